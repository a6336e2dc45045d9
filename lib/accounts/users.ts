// Reading users for sessions. (Registration, confirmation, throttling, settings: see the other
// modules of lib/accounts.)
import "server-only";
import type { Db } from "@/lib/create-db";

export interface SessionUser {
  id: string;
  username: string;
  email: string;
  emailConfirmed: boolean;
}

/**
 * The session's user; null for a missing, locked or organization account, or for a session
 * signed in before the password last changed (its version is older): the session ends.
 */
export async function findSessionUser(db: Db, id: string, sessionVersion: number): Promise<SessionUser | null> {
  const u = await db.user.findUnique({
    where: { id },
    select: { id: true, username: true, email: true, emailConfirmedAt: true, isOrganization: true, locked: true, sessionVersion: true },
  });
  if (!u || u.isOrganization || u.locked || u.sessionVersion !== sessionVersion) return null;
  return { id: u.id, username: u.username, email: u.email, emailConfirmed: u.emailConfirmedAt !== null };
}

/** The version a new session of the user carries (see findSessionUser). */
export async function currentSessionVersion(db: Db, id: string): Promise<number> {
  return (await db.user.findUnique({ where: { id }, select: { sessionVersion: true } }))?.sessionVersion ?? 0;
}
