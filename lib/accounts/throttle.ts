// Throttling of failed sign-ins, per account and per client address, in the LoginFailure table
// so it survives a restart. A sliding window: over the limit, even the right password is
// refused until enough failures have aged out. Refused attempts are not counted, so an
// attacker cannot keep an account locked for longer than one window.
import { randomUUID } from "node:crypto";
import "server-only";
import type { Db } from "@/lib/create-db";
import { envFrom, type RawEnv } from "@/lib/env";

export interface ThrottleLimits {
  /** failures per account within the window */
  maxPerAccount: number;
  /** failures per client address within the window (higher: offices share one address) */
  maxPerIp: number;
  windowMs: number;
}

export function throttleLimits(raw?: RawEnv): ThrottleLimits {
  const env = envFrom(raw);
  return {
    maxPerAccount: env.LOGIN_MAX_FAILURES,
    maxPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
    windowMs: env.LOGIN_WINDOW_MINUTES * 60_000,
  };
}

export function accountBucket(usernameKey: string): string {
  return `user:${usernameKey.toLowerCase()}`;
}

export function ipBucket(ip: string): string {
  return `ip:${ip}`;
}

interface ThrottleState {
  blocked: boolean;
  /** whole minutes until the next attempt is allowed (0 when not blocked) */
  retryAfterMinutes: number;
}

async function bucketState(db: Db, bucket: string, max: number, windowMs: number, now: Date): Promise<number> {
  const since = new Date(now.getTime() - windowMs);
  const recent = await db.loginFailure.findMany({
    where: { bucket, at: { gt: since } },
    orderBy: { at: "desc" },
    take: max,
    select: { at: true },
  });
  if (recent.length < max) return 0;
  // blocked until the oldest of the last `max` failures leaves the window
  const oldest = recent[recent.length - 1].at.getTime();
  return Math.max(1, oldest + windowMs - now.getTime());
}

/** The two buckets an attempt counts in; either may be unknown. */
type Buckets = { account?: string | null; ip?: string | null };

function bucketList(buckets: Buckets): string[] {
  return [buckets.account, buckets.ip].filter((b): b is string => !!b);
}

export async function checkThrottle(
  db: Db,
  buckets: Buckets,
  limits = throttleLimits(),
  now = new Date(),
): Promise<ThrottleState> {
  const waits = await Promise.all([
    buckets.account ? bucketState(db, buckets.account, limits.maxPerAccount, limits.windowMs, now) : 0,
    buckets.ip ? bucketState(db, buckets.ip, limits.maxPerIp, limits.windowMs, now) : 0,
  ]);
  const wait = Math.max(...waits);
  return { blocked: wait > 0, retryAfterMinutes: wait > 0 ? Math.ceil(wait / 60_000) : 0 };
}

/**
 * Keeps the table small: failures that left the window no longer count. Every account's and
 * address's bucket, not only the current attempt's: guesses at names that do not exist, or from addresses never seen
 * again, would otherwise stay for good.
 */
export async function pruneFailures(db: Db, limits = throttleLimits(), now = new Date()): Promise<void> {
  // sign-in's buckets only: the table also holds the leak report's, kept for their own window (lib/leaks/report.ts)
  const old = { lte: new Date(now.getTime() - limits.windowMs) };
  await db.loginFailure.deleteMany({ where: { OR: [accountBucket(""), ipBucket("")].map((prefix) => ({ bucket: { startsWith: prefix }, at: old })) } });
}

/**
 * Reserves one attempt before the password is checked: the failure rows are written first and
 * counted after, so parallel attempts cannot all pass a check made before any of them was
 * recorded (60 parallel wrong passwords used to all get through a limit of 10). Over the limit,
 * the reservation is taken back and the attempt refused unverified. The caller keeps the rows
 * when the password was wrong, and releases them when it was right.
 */
export async function reserveAttempt(
  db: Db,
  buckets: Buckets,
  limits = throttleLimits(),
  now = new Date(),
): Promise<{ ids: string[] } & ThrottleState> {
  const list = bucketList(buckets);
  const ids = list.map(() => randomUUID());
  await db.loginFailure.createMany({ data: list.map((bucket, i) => ({ id: ids[i], bucket, at: now })) });
  const since = new Date(now.getTime() - limits.windowMs);
  const counts = await Promise.all(list.map((bucket) => db.loginFailure.count({ where: { bucket, at: { gt: since } } })));
  const over = list.some((bucket, i) => counts[i] > (bucket === buckets.account ? limits.maxPerAccount : limits.maxPerIp));
  if (!over) return { ids, blocked: false, retryAfterMinutes: 0 };
  await releaseAttempt(db, ids);
  const state = await checkThrottle(db, buckets, limits, now);
  return { ids: [], blocked: true, retryAfterMinutes: Math.max(1, state.retryAfterMinutes) };
}

export async function releaseAttempt(db: Db, ids: string[]): Promise<void> {
  if (ids.length) await db.loginFailure.deleteMany({ where: { id: { in: ids } } });
}

/** After a successful sign-in the account's count starts again (the address's does not). */
export async function clearAccountFailures(db: Db, account: string): Promise<void> {
  await db.loginFailure.deleteMany({ where: { bucket: account } });
}

export function throttleMessage(minutes: number): string {
  return `Too many failed sign-in attempts. Please try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
