// Password sign-in: look the account up by username or email and check the password.
import "server-only";
import { db } from "@/lib/db";
import { verifyPassword } from "./passwords";

export async function verifyCredentials(login: string, password: string): Promise<{ id: string; username: string; email: string } | null> {
  const key = login.trim().toLowerCase();
  const user = await db.user.findFirst({
    where: { OR: [{ usernameKey: key }, { email: key }], isOrganization: false },
    select: { id: true, username: true, email: true, passwordHash: true },
  });
  if (!user?.passwordHash) return null;
  if (!(await verifyPassword(user.passwordHash, password))) return null;
  return { id: user.id, username: user.username, email: user.email };
}
