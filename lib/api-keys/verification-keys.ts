// One-time package verification keys (nuget.org's "apikey.verify.v1", the 4.1.0 protocol):
// a lowercase GUID handed to a third party (a symbol server) instead of the real key. Pure.
// Stored like every key: an indexed lookup id and a hash, never the plaintext.
import { createHash, randomUUID } from "node:crypto";

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
