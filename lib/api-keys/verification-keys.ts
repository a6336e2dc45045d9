// One-time package verification keys (nuget.org's "apikey.verify.v1", the 4.1.0 protocol):
// a lowercase GUID handed to a third party (a symbol server) instead of the real key.
// Stored like every key: an indexed lookup id and a hash, never the plaintext.
import { createHash, randomUUID } from "node:crypto";
import type { Db } from "@/lib/create-db";
import type { AuthenticatedKey } from "./authenticate";
import { ACTIONS } from "./scopes";

export const VERIFY_KEY_TYPE = "apikey.verify.v1";
export const VERIFY_KEY_DAYS = 1;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Derived from the GUID so use is one indexed lookup; prefixed so it never meets a v4 lookup id. */
function verifyLookupId(guid: string): string {
  return `verify.${sha256(`lookup:${guid}`).slice(0, 32)}`;
}

export function generateVerifyKey(): { plaintext: string; lookupId: string; secretHash: string } {
  const plaintext = randomUUID(); // lowercase, as nuget.org's Guid.ToString()
  return { plaintext, lookupId: verifyLookupId(plaintext), secretHash: sha256(plaintext) };
}

/** GUIDs are accepted in any case, as nuget.org; null = not a GUID. */
export function parseVerifyKey(input: string): { lookupId: string; secretHash: string } | null {
  const guid = input.trim().toLowerCase();
  if (!GUID.test(guid)) return null;
  return { lookupId: verifyLookupId(guid), secretHash: sha256(guid) };
}

/**
 * A one-time verification key for `packageId` (nuget.org's create-verification-key): 1 day,
 * package:verify on exactly that id, the same user and owner as the key that asked for it.
 * The plaintext is returned once and never stored. The user's expired verification keys
 * (created but never used) are removed on the way, so they do not pile up.
 */
export async function createVerificationKey(db: Db, key: AuthenticatedKey, packageId: string, now = new Date()): Promise<{ plaintext: string; expiresAt: Date }> {
  await db.apiKey.deleteMany({ where: { userId: key.userId, type: VERIFY_KEY_TYPE, expiresAt: { lte: now } } });
  const { plaintext, lookupId, secretHash } = generateVerifyKey();
  const expiresAt = new Date(now.getTime() + VERIFY_KEY_DAYS * 86_400_000);
  await db.apiKey.create({
    data: {
      userId: key.userId,
      ownerId: key.ownerId,
      type: VERIFY_KEY_TYPE,
      name: `Verification key for ${packageId}`,
      lookupId,
      secretHash,
      expiresInDays: VERIFY_KEY_DAYS,
      expiresAt,
      scopes: { create: { action: ACTIONS.verify, subject: packageId } },
    },
  });
  return { plaintext, expiresAt };
}

/** Verification keys are deleted after their first use (nuget.org: against brute force). */
export async function consumeVerificationKey(db: Db, key: AuthenticatedKey): Promise<void> {
  if (key.type === VERIFY_KEY_TYPE) await db.apiKey.deleteMany({ where: { id: key.id, type: VERIFY_KEY_TYPE } });
}
