// Creating an account: unique username without regard to case (usernameKey), unique email
// (stored lower-cased), argon2id password hash. Races end in the same field messages.
import "server-only";
import { writeAudit } from "@/lib/audit";
import type { Db } from "@/lib/create-db";
import { hashPassword } from "./passwords";
import type { RegisterInput } from "./validation";

type RegisterResult =
  | { ok: true; user: { id: string; username: string; email: string } }
  | { ok: false; fieldErrors: Record<string, string[]> };

function usernameTaken(username: string): string {
  return `The username '${username}' is not available. Please choose another username.`;
}
function emailTaken(email: string): string {
  return `The email address '${email}' is already in use. Please choose another email address.`;
}

/** `input` is already validated by registerSchema (trimmed, email lower-cased). Audited as Register. */
export async function registerUser(db: Db, input: RegisterInput, ip: string | null = null): Promise<RegisterResult> {
  const usernameKey = input.username.toLowerCase();
  const clash = await db.user.findMany({
    where: { OR: [{ usernameKey }, { email: input.email }] },
    select: { usernameKey: true, email: true },
  });
  const fieldErrors: Record<string, string[]> = {};
  if (clash.some((u) => u.usernameKey === usernameKey)) fieldErrors.username = [usernameTaken(input.username)];
  if (clash.some((u) => u.email === input.email)) fieldErrors.email = [emailTaken(input.email)];
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };

  const passwordHash = await hashPassword(input.password);
  try {
    const user = await db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { username: input.username, usernameKey, email: input.email, passwordHash },
        select: { id: true, username: true, email: true },
      });
      await writeAudit(tx, { actorId: created.id, action: "Register", target: created.username, details: { method: "password" }, ip });
      return created;
    });
    return { ok: true, user };
  } catch (e) {
    // lost a race with another registration between the check and the insert
    const field = uniqueViolationField(e);
    if (field === "email") return { ok: false, fieldErrors: { email: [emailTaken(input.email)] } };
    if (field) return { ok: false, fieldErrors: { username: [usernameTaken(input.username)] } };
    throw e;
  }
}

/** For a unique-constraint error (P2002, on SQLite and PostgreSQL alike): the column, else null. */
export function uniqueViolationField(e: unknown): string | null {
  if ((e as { code?: unknown })?.code !== "P2002") return null;
  const meta = JSON.stringify((e as { meta?: unknown }).meta ?? {});
  if (/email/i.test(meta)) return "email";
  if (/usernameKey/i.test(meta)) return "usernameKey";
  return "unknown";
}
