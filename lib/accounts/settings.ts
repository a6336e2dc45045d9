// Account settings: every function takes the session user's id and touches only that user's rows.
import "server-only";
import { writeAudit } from "@/lib/audit";
import type { Db } from "@/lib/create-db";
import { hashPassword, verifyPassword } from "./passwords";
import { accountBucket, ipBucket, pruneFailures, releaseAttempt, reserveAttempt, throttleLimits, throttleMessage, type ThrottleLimits } from "./throttle";

type ChangePasswordResult = { ok: true } | { ok: false; field: "currentPassword" | "newPassword"; message: string };

/**
 * Changes the password when the current one is right. Guesses at the current password count
 * against the same limits as failed sign-ins (the account's and the address's buckets): a
 * session left open must not be a way to guess the password without limit.
 */
export async function changePassword(
  db: Db,
  userId: string,
  currentPassword: string,
  newPassword: string,
  ip: string | null = null,
  limits: ThrottleLimits = throttleLimits(),
): Promise<ChangePasswordResult> {
  const wrong = { ok: false, field: "currentPassword", message: "The current password is incorrect." } as const;
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true, username: true, usernameKey: true } });
  if (!user) return wrong;
  const buckets = { account: accountBucket(user.usernameKey), ip: ip ? ipBucket(ip) : null };
  const attempt = await reserveAttempt(db, buckets, limits);
  if (attempt.blocked) return { ok: false, field: "currentPassword", message: throttleMessage(attempt.retryAfterMinutes) };
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, currentPassword))) {
    // the reserved rows are this failure's record
    await pruneFailures(db, limits);
    return wrong;
  }
  await releaseAttempt(db, attempt.ids);
  if (currentPassword === newPassword) return { ok: false, field: "newPassword", message: "The new password must differ from the current one." };
  // ends every session signed in with the old password, this one too. The user row first: its
  // lock makes a sign-in checked against the old password wait, then fail (createSession).
  const passwordHash = await hashPassword(newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    await tx.session.deleteMany({ where: { userId } });
    await writeAudit(tx, { actorId: userId, action: "ChangePassword", target: user.username, ip });
  });
  return { ok: true };
}

interface AccountOverview {
  username: string;
  email: string;
  emailConfirmedAt: Date | null;
  hasPassword: boolean;
  logins: string[];
}

export async function accountOverview(db: Db, userId: string): Promise<AccountOverview | null> {
  const u = await db.user.findUnique({
    where: { id: userId },
    select: { username: true, email: true, emailConfirmedAt: true, passwordHash: true, oauthAccounts: { select: { provider: true } } },
  });
  if (!u) return null;
  return { username: u.username, email: u.email, emailConfirmedAt: u.emailConfirmedAt, hasPassword: !!u.passwordHash, logins: u.oauthAccounts.map((a) => a.provider) };
}
