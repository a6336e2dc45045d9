// Users' sign-in sessions: one Session row per sign-in, checked on every request, deleted to
// end it. (Registration, confirmation, throttling, settings: see the other modules of lib/accounts.)
import "server-only";
import { randomBytes } from "node:crypto";
import { writeAudit } from "@/lib/audit";
import type { Db } from "@/lib/create-db";
import { driverReader, SESSION_WITH_USER } from "@/lib/driver-sql";

export interface SessionUser {
  id: string;
  username: string;
  email: string;
  emailConfirmed: boolean;
  /** the Session row this request is signed in with */
  sessionId: string;
}

/** Where a session was signed in from, for a later "your sessions" list. */
export interface SessionClient {
  ip: string | null;
  userAgent?: string | null;
}

/** The session cookie's max age (Auth.js session.maxAge), in seconds: nuget.org-like 30 days. */
export const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;
/** A session's lastSeenAt is written at most this often (one write a minute, not one a request). */
const TOUCH_EVERY_MS = 60_000;
/**
 * A row unused for longer than this belongs to an expired cookie: each cookie refresh passes the
 * check, which touches the row. A day's margin covers the touch's minute and instances' clocks.
 */
const STALE_AFTER_MS = SESSION_MAX_AGE_S * 1000 + 24 * 60 * 60_000;
/** Signing in once more past this many sessions ends the user's least recently used ones. */
export const MAX_SESSIONS_PER_USER = 50;

/**
 * Makes the session row of a sign-in, and returns its id (for the cookie). With `passwordHash`
 * (a password sign-in) only while the password is still the one checked: a password change
 * between the check and this write would otherwise leave a session of the old password alive.
 * Re-writing the hash takes the user row's lock, which changePassword also takes before it
 * deletes the sessions, so one of the two always sees the other. Null when it changed.
 */
export async function createSession(
  db: Db,
  userId: string,
  client: SessionClient,
  { passwordHash, now = new Date() }: { passwordHash?: string; now?: Date } = {},
): Promise<string | null> {
  const id = randomBytes(32).toString("base64url");
  const data = { id, userId, createdAt: now, lastSeenAt: now, ip: client.ip?.slice(0, 64) ?? null, userAgent: client.userAgent?.slice(0, 512) ?? null };
  const made =
    passwordHash === undefined
      ? (await db.session.create({ data }), true)
      : await db.$transaction(async (tx) => {
          const same = await tx.user.updateMany({ where: { id: userId, passwordHash }, data: { passwordHash } });
          if (same.count === 0) return false;
          await tx.session.create({ data });
          return true;
        });
  if (!made) return null;
  await pruneSessions(db, userId, now);
  return id;
}

/** Removes stale rows (anyone's) and the user's sessions past MAX_SESSIONS_PER_USER, least recently used first. */
export async function pruneSessions(db: Db, userId: string, now = new Date()): Promise<void> {
  await db.session.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - STALE_AFTER_MS) } } });
  const surplus = await db.session.findMany({
    where: { userId },
    orderBy: [{ lastSeenAt: "desc" }, { id: "asc" }],
    skip: MAX_SESSIONS_PER_USER,
    select: { id: true },
  });
  if (surplus.length > 0) await db.session.deleteMany({ where: { userId, id: { in: surplus.map((s) => s.id) } } });
}

interface SessionUserRow {
  userId: string;
  lastSeenAt: Date;
  username: string;
  email: string;
  emailConfirmed: boolean;
  isOrganization: boolean;
  locked: boolean;
}

/**
 * The session's user, read with its row in one query; null when the row is gone (signed out,
 * signed out elsewhere, password changed, pruned), belongs to someone else, or the account is
 * locked or an organization: the session has ended. Touches lastSeenAt at most once a minute.
 */
export async function findSessionUser(db: Db, userId: string, sessionId: string, now = new Date()): Promise<SessionUser | null> {
  // one round trip through the driver: Prisma's read with the user relation sends two queries
  const s = await driverReader(db).one<SessionUserRow>(SESSION_WITH_USER, [sessionId]);
  if (!s || s.userId !== userId || s.isOrganization || s.locked) return null;
  // an unreadable time counts as long ago: one write too many, never a session kept from pruning
  const lastSeen = s.lastSeenAt.getTime();
  if (!(now.getTime() - lastSeen < TOUCH_EVERY_MS)) {
    // conditional, so instances racing on the same session write once
    await db.session.updateMany({ where: { id: sessionId, lastSeenAt: { lt: new Date(now.getTime() - TOUCH_EVERY_MS) } }, data: { lastSeenAt: now } });
  }
  return { id: userId, username: s.username, email: s.email, emailConfirmed: s.emailConfirmed, sessionId };
}

/** Sign-out: ends this one session. Someone else's session id ends nothing. */
export async function endSession(db: Db, userId: string, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId, userId } });
}

/** "Sign out of all other sessions": ends every session of the user but `keepSessionId`; returns how many. */
export async function endOtherSessions(db: Db, userId: string, keepSessionId: string, ip: string | null = null): Promise<number> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.session.deleteMany({ where: { userId, id: { not: keepSessionId } } });
    await writeAudit(tx, { actorId: userId, action: "SignOutOtherSessions", details: { sessions: count }, ip });
    return count;
  });
}

/** How many other sessions of the user are signed in (not yet pruned nor ended). */
export async function countOtherSessions(db: Db, userId: string, sessionId: string, now = new Date()): Promise<number> {
  return db.session.count({ where: { userId, id: { not: sessionId }, lastSeenAt: { gte: new Date(now.getTime() - STALE_AFTER_MS) } } });
}
