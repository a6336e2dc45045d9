// The public leak report (GitHub's credential revocation API as the model): anyone may post up
// to 1,000 suspected keys; the live ones are revoked (source "Report") and their holders mailed.
// The answer is the same 202 whatever the keys were, and the revoking runs after it, so neither
// the answer nor its timing tells a caller whether a key was real. Rate-limited per client
// address in the database (LoginFailure rows, bucket "leak-report:<ip>"), so the limit holds
// across restarts and across instances.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/create-db";
import { envFrom, type RawEnv } from "@/lib/env";
import { logError } from "@/lib/log";
import { revokeLeakedKeys } from "./revoke";
import type { PartnerAnswer } from "./partner";

export const MAX_REPORTED_KEYS = 1000;
export const MAX_REPORT_BYTES = 256 * 1024;
const BUCKET = "leak-report:";

export const REPORT_ACCEPTED = "Thank you. Any of these keys that is a live API key will be revoked, and its owner notified.";
const VALIDATION_FAILED = "Validation failed: send {\"keys\": [\"oy2…\", …]} with 1 to 1000 strings.";

export interface ReportLimits {
  maxPerIp: number;
  windowMs: number;
}

export function reportLimits(raw?: RawEnv): ReportLimits {
  const env = envFrom(raw);
  // its own window: sign-in's pruning (lib/accounts/throttle.ts) leaves these rows alone, the report prunes them
  return { maxPerIp: env.LEAK_REPORT_MAX_PER_IP, windowMs: env.LEAK_REPORT_WINDOW_MINUTES * 60_000 };
}

/** One report counted, written before it is counted, so parallel posts cannot all pass (throttle.ts's reserveAttempt). */
async function withinLimit(db: Db, ip: string, limits: ReportLimits, now: Date): Promise<{ ok: boolean; retryAfterSeconds: number }> {
  const bucket = BUCKET + ip;
  const id = randomUUID();
  await db.loginFailure.create({ data: { id, bucket, at: now } });
  const since = new Date(now.getTime() - limits.windowMs);
  const recent = await db.loginFailure.findMany({ where: { bucket, at: { gt: since } }, orderBy: { at: "desc" }, select: { id: true, at: true } });
  if (recent.length <= limits.maxPerIp) return { ok: true, retryAfterSeconds: 0 };
  // over the limit: this one is not counted, so a client is blocked for one window at most
  await db.loginFailure.deleteMany({ where: { id } });
  const oldest = recent.filter((r) => r.id !== id)[limits.maxPerIp - 1]?.at ?? now;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest.getTime() + limits.windowMs - now.getTime()) / 1000)) };
}

function readKeys(body: Uint8Array): string[] | null {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch {
    return null;
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return null;
  const { keys, credentials } = doc as Record<string, unknown>;
  // "credentials" is GitHub's name for the same list
  const list = keys ?? credentials;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_REPORTED_KEYS) return null;
  if (!list.every((k) => typeof k === "string" && k.length <= 1000)) return null;
  return list as string[];
}

export interface ReportReceipt {
  answer: PartnerAnswer & { headers?: Record<string, string> };
  /** the revoking, after the answer; never rejects */
  work: Promise<void>;
}

export async function receiveLeakReport(
  db: Db,
  request: { body: Uint8Array | null; ip: string | null; origin: string },
  limits = reportLimits(),
  now = new Date(),
): Promise<ReportReceipt> {
  const done = Promise.resolve();
  const limit = await withinLimit(db, request.ip ?? "unknown", limits, now);
  if (!limit.ok) {
    return {
      answer: { status: 429, body: { message: "Too many reports from this address. Try again later." }, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
      work: done,
    };
  }
  if (!request.body) return { answer: { status: 413, body: { message: "The request is too large." } }, work: done };
  const keys = readKeys(request.body);
  if (!keys) return { answer: { status: 422, body: { message: VALIDATION_FAILED } }, work: done };

  const work = (async () => {
    try {
      await revokeLeakedKeys(db, keys.map((token) => ({ token, url: null })), "Report", { origin: request.origin, now, ip: request.ip });
      await db.loginFailure.deleteMany({ where: { bucket: { startsWith: BUCKET }, at: { lte: new Date(now.getTime() - limits.windowMs) } } });
    } catch (e) {
      logError("[leaks] a leak report could not be processed", e);
    }
  })();
  return { answer: { status: 202, body: { message: REPORT_ACCEPTED } }, work };
}
