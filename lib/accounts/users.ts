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

/** The session's user; null for a missing, locked or organization account (the session ends). */
export async function findSessionUser(db: Db, id: string): Promise<SessionUser | null> {
  const u = await db.user.findUnique({
    where: { id },
    select: { id: true, username: true, email: true, emailConfirmedAt: true, isOrganization: true, locked: true },
  });
  if (!u || u.isOrganization || u.locked) return null;
  return { id: u.id, username: u.username, email: u.email, emailConfirmed: u.emailConfirmedAt !== null };
}
