// Account settings: every function takes the session user's id and touches only that user's rows.
import "server-only";
import type { Db } from "@/lib/create-db";
import { hashPassword, verifyPassword } from "./passwords";

export type ChangePasswordResult = { ok: true } | { ok: false; field: "currentPassword" | "newPassword"; message: string };

export async function changePassword(db: Db, userId: string, currentPassword: string, newPassword: string): Promise<ChangePasswordResult> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user) return { ok: false, field: "currentPassword", message: "The current password is incorrect." };
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, currentPassword))) {
    return { ok: false, field: "currentPassword", message: "The current password is incorrect." };
  }
  if (currentPassword === newPassword) return { ok: false, field: "newPassword", message: "The new password must differ from the current one." };
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(newPassword) } });
  return { ok: true };
}

export interface AccountOverview {
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
