// Email confirmation tokens: 32 random bytes sent in the link, only their SHA-256 stored.
// Single use (usedAt), expiring (24 h by default), bound to one user.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/create-db";

const CONFIRM_EMAIL = "confirm-email";
export const TOKEN_TTL_MS = 24 * 60 * 60_000;
/** A new confirmation mail at most this often per user. */
const RESEND_COOLDOWN_MS = 60_000;

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Issues a new confirmation token; earlier unused ones of the user stop working. */
export async function issueConfirmationToken(db: Db, userId: string, now = new Date(), ttlMs = TOKEN_TTL_MS): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.$transaction([
    db.emailToken.updateMany({ where: { userId, purpose: CONFIRM_EMAIL, usedAt: null }, data: { usedAt: now } }),
    db.emailToken.create({ data: { userId, purpose: CONFIRM_EMAIL, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + ttlMs), createdAt: now } }),
  ]);
  return token;
}

type ConfirmResult =
  | { status: "confirmed"; username: string }
  | { status: "already-confirmed"; username: string }
  | { status: "expired"; username: string }
  | { status: "invalid" };

/**
 * Uses a token from a confirmation link. The username in the link must be the token's owner.
 * A used token of an account that is confirmed by now answers "already confirmed" (mail
 * scanners open links before people do), never an error.
 */
export async function confirmEmail(db: Db, username: string, token: string, now = new Date()): Promise<ConfirmResult> {
  if (typeof token !== "string" || token.length < 20 || token.length > 200 || typeof username !== "string" || username.length > 200) {
    return { status: "invalid" };
  }
  const row = await db.emailToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, purpose: true, expiresAt: true, usedAt: true, user: { select: { id: true, username: true, usernameKey: true, emailConfirmedAt: true } } },
  });
  if (!row || row.purpose !== CONFIRM_EMAIL || row.user.usernameKey !== username.toLowerCase()) return { status: "invalid" };
  const name = row.user.username;
  if (row.usedAt) return row.user.emailConfirmedAt ? { status: "already-confirmed", username: name } : { status: "invalid" };
  if (row.expiresAt <= now) return { status: "expired", username: name };

  // single use even when two requests race: only the update that flips usedAt wins
  const claimed = await db.emailToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
  if (claimed.count !== 1) return row.user.emailConfirmedAt ? { status: "already-confirmed", username: name } : { status: "invalid" };
  await db.user.update({ where: { id: row.user.id }, data: { emailConfirmedAt: row.user.emailConfirmedAt ?? now } });
  return { status: "confirmed", username: name };
}

/** Whether a new confirmation mail may be sent now (one a minute), and why not. */
export async function resendAllowed(db: Db, userId: string, now = new Date()): Promise<{ ok: true } | { ok: false; reason: "confirmed" | "too-soon" }> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { emailConfirmedAt: true } });
  if (!user || user.emailConfirmedAt) return { ok: false, reason: "confirmed" };
  const recent = await db.emailToken.findFirst({
    where: { userId, purpose: CONFIRM_EMAIL, createdAt: { gt: new Date(now.getTime() - RESEND_COOLDOWN_MS) } },
    select: { id: true },
  });
  return recent ? { ok: false, reason: "too-soon" } : { ok: true };
}
