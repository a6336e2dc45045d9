// Roll with overlap (issue 14 item 2, beyond nuget.org; Stripe's "roll key"): the key gets a new
// secret, same row (name, owner, scopes, packages, expiry, address limits, history), while the
// replaced secret keeps working for a chosen grace. Regenerate keeps nuget.org's meaning (a new
// key, the old one dead at once). The data layer for it, owner-scoped like store.ts.
//
//   rollApiKey(db, userId, keyId, graceHours, now?) → {ok:true, plaintext, previousValidUntil} | {ok:false, error}
//     Only an active key (not revoked, not expired) of the user's, whose owner they still act for.
//     graceHours 0: the old secret stops at once. A second roll while an overlap runs is refused
//     (ending it silently could cut off a deploy still on the older secret): end it first.
//     The replaced secret moves to previous* (its last use with it); RollCredential audit; a mail.
//   endOverlap(db, userId, keyId, now?) → boolean
//     Forgets the replaced secret at once (false when no overlap runs); EndCredentialOverlap audit.
//
// The old secret is checked on use by authenticate.ts (previousLookupId, in the same query).
// Revoking or deleting the key ends both secrets: revoked is checked whichever was presented.
import "server-only";
import type { Db } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { requestIp } from "@/lib/request-context";
import { sendMail, subject } from "@/lib/mail/mailer";
import { logError } from "@/lib/log";
import { generateKey } from "./key-material";
import { MESSAGES } from "./rules";
import { isGraceHours, ROLL_MESSAGES } from "./roll-rules";

import { actsFor, auditDetails, lostOwnerMessage, toView, viewSelect } from "./store";

const KEY_TYPE = "apikey.v4";
const HOUR_MS = 60 * 60 * 1000;

type RollResult = { ok: true; plaintext: string; previousValidUntil: Date | null } | { ok: false; error: string };

class Refused extends Error {}

export async function rollApiKey(db: Db, userId: string, keyId: string, graceHours: number, now = new Date()): Promise<RollResult> {
  if (!isGraceHours(graceHours)) return { ok: false, error: ROLL_MESSAGES.badGrace };
  // nuget.org refuses a locked account a new secret
  const user = await db.user.findFirst({ where: { id: userId, isOrganization: false }, select: { locked: true, email: true } });
  if (!user) return { ok: false, error: MESSAGES.keyNotFound };
  if (user.locked) return { ok: false, error: MESSAGES.userLocked };
  const material = generateKey();
  const ip = await requestIp();
  const until = graceHours === 0 ? null : new Date(now.getTime() + graceHours * HOUR_MS);
  try {
    const name = await db.$transaction(async (tx) => {
      // a write first, as in the store: the row lock (PostgreSQL) or the write lock (SQLite)
      // before the read, so two rolls of one key run one after the other
      const { count } = await tx.apiKey.updateMany({ where: { id: keyId, userId, type: KEY_TYPE }, data: { type: KEY_TYPE } });
      const row =
        count === 1
          ? await tx.apiKey.findFirst({ where: { id: keyId, userId }, select: { ...viewSelect, lookupId: true, secretHash: true } })
          : null;
      if (!row) throw new Refused(MESSAGES.keyNotFound);
      if (!(await actsFor(tx, userId, row.ownerId))) throw new Refused(lostOwnerMessage(row.owner.username));
      if (row.revokedAt || now.getTime() >= row.expiresAt.getTime()) throw new Refused(ROLL_MESSAGES.notActive);
      if (row.previousValidUntil && now.getTime() < row.previousValidUntil.getTime()) throw new Refused(ROLL_MESSAGES.overlapRunning(row.previousValidUntil));
      const before = toView(row);
      await tx.apiKey.update({
        where: { id: keyId },
        data: {
          lookupId: material.lookupId,
          secretHash: material.secretHash,
          // the new secret's own last use; the old one's moves with it
          lastUsedAt: null,
          previousLookupId: until ? row.lookupId : null,
          previousSecretHash: until ? row.secretHash : null,
          previousValidUntil: until,
          previousLastUsedAt: until ? row.lastUsedAt : null,
        },
      });
      await writeAudit(tx, {
        actorId: userId,
        action: "RollCredential",
        target: keyId,
        details: auditDetails(before, { graceHours, previousValidUntil: until?.toISOString() ?? null }),
        ip,
      });
      return row.name;
    });
    try {
      await sendMail({
        to: user.email,
        subject: subject(`API Key '${name}' Rolled`),
        text:
          `Your API Key '${name}' has a new secret. ` +
          (until
            ? `The previous secret keeps working until ${until.toUTCString()}, or until you end the overlap on the API keys page.`
            : "The previous secret no longer works.") +
          " If you did not request this change, please reply to this email to contact support.",
      });
    } catch (e) {
      // the roll is committed; a mail outage must not turn it into an error
      logError("[api-keys] roll mail failed", e);
    }
    return { ok: true, plaintext: material.plaintext, previousValidUntil: until };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, error: e.message };
    throw e;
  }
}

export async function endOverlap(db: Db, userId: string, keyId: string, now = new Date()): Promise<boolean> {
  const ip = await requestIp();
  return db.$transaction(async (tx) => {
    // a write first (see rollApiKey): of two concurrent ends, the second finds no overlap
    const where = { id: keyId, userId, type: KEY_TYPE, previousValidUntil: { gt: now } };
    const { count } = await tx.apiKey.updateMany({ where, data: { type: KEY_TYPE } });
    const row = count === 1 ? await tx.apiKey.findFirst({ where, select: viewSelect }) : null;
    if (!row) return false;
    await tx.apiKey.update({
      where: { id: keyId },
      data: { previousLookupId: null, previousSecretHash: null, previousValidUntil: null, previousLastUsedAt: null },
    });
    await writeAudit(tx, {
      actorId: userId,
      action: "EndCredentialOverlap",
      target: keyId,
      details: auditDetails(toView(row), { previousValidUntil: row.previousValidUntil?.toISOString() ?? null, endedAt: now.toISOString() }),
      ip,
    });
    return true;
  });
}
