// Reading users for sign-in and sessions. (Registration, confirmation, throttling: see the
// other modules of lib/accounts.)
import "server-only";
import { db } from "@/lib/db";

export interface SessionUser {
  id: string;
  username: string;
  email: string;
  emailConfirmed: boolean;
}

export async function findSessionUser(id: string): Promise<SessionUser | null> {
  const u = await db.user.findUnique({
    where: { id },
    select: { id: true, username: true, email: true, emailConfirmedAt: true, isOrganization: true, locked: true },
  });
  if (!u || u.isOrganization) return null;
  return { id: u.id, username: u.username, email: u.email, emailConfirmed: u.emailConfirmedAt !== null };
}
