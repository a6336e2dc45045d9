// API key format, generation and checking. Pure: no database, no I/O.
//
// A key is "oy2" + 43 characters of [a-z2-7] (46 in all), so scanners that know nuget.org's
// pattern (oy2 + 43 chars) recognise ours too. The 43 characters are:
//   13 lookup id  (65 random bits, stored in clear, unique index: one lookup on use)
//   24 secret     (120 random bits, stored only as a hash)
//    6 checksum   (30 bits of SHA-256 over the rest: a typo or invented key is refused
//                  before any database access; nuget.org's keys have no checksum)
import { hash, randomBytes } from "node:crypto";

export const KEY_PREFIX = "oy2";
const LOOKUP_CHARS = 13;
const SECRET_CHARS = 24;
const CHECKSUM_CHARS = 6;
export const KEY_LENGTH = KEY_PREFIX.length + LOOKUP_CHARS + SECRET_CHARS + CHECKSUM_CHARS; // 46
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"; // RFC 4648 base32, lower case
const KEY_PATTERN = /^oy2[a-z2-7]{43}$/;

/** `chars` base32 characters made from `bits` = 5 × chars random bits. */
function randomBase32(chars: number): string {
  const bytes = randomBytes(chars); // one byte per character, 5 bits of each used
  let out = "";
  for (let i = 0; i < chars; i++) out += ALPHABET[bytes[i] & 31];
  return out;
}

function checksum(body: string): string {
  // first 30 bits of the digest as 6 base32 characters (one-shot crypto.hash: the check runs on every push)
  const bits = parseInt(hash("sha256", body, "hex").slice(0, 8), 16) >>> 2;
  let out = "";
  for (let i = CHECKSUM_CHARS - 1; i >= 0; i--) out += ALPHABET[(bits >>> (i * 5)) & 31];
  return out;
}

/**
 * The stored hash of a key's secret. A fast hash is right here: the secret is 120 random
 * bits, so there is nothing to brute-force that a slow KDF (nuget.org's PBKDF2 at 10,000
 * iterations) would protect; slowness would only make every push pay for it. The lookup id
 * is mixed in so a hash is bound to its row.
 */
export function hashSecret(lookupId: string, secret: string): string {
  return hash("sha256", `${lookupId}:${secret}`, "hex");
}

export interface NewKey {
  /** the plaintext: returned once to the user, never stored */
  plaintext: string;
  lookupId: string;
  secretHash: string;
}

export function generateKey(): NewKey {
  const lookupId = randomBase32(LOOKUP_CHARS);
  const secret = randomBase32(SECRET_CHARS);
  const body = KEY_PREFIX + lookupId + secret;
  return { plaintext: body + checksum(body), lookupId, secretHash: hashSecret(lookupId, secret) };
}

export interface ParsedKey {
  lookupId: string;
  secret: string;
}

/**
 * Checks shape and checksum. Keys are case-insensitive (nuget.org lower-cases them), and
 * surrounding white space from a copy-paste is forgiven. null = not one of our keys.
 */
export function parseKey(input: string): ParsedKey | null {
  const key = input.trim().toLowerCase();
  if (!KEY_PATTERN.test(key)) return null;
  const body = key.slice(0, KEY_LENGTH - CHECKSUM_CHARS);
  if (checksum(body) !== key.slice(KEY_LENGTH - CHECKSUM_CHARS)) return null;
  const lookupId = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + LOOKUP_CHARS);
  return { lookupId, secret: key.slice(KEY_PREFIX.length + LOOKUP_CHARS, KEY_LENGTH - CHECKSUM_CHARS) };
}

/** Constant-time comparison of a presented secret against the stored hash. */
export function secretMatches(parsed: ParsedKey, storedHash: string): boolean {
  return hexHashesEqual(hashSecret(parsed.lookupId, parsed.secret), storedHash);
}

/**
 * Constant-time equality of two hex-encoded hashes: every character is compared, whatever
 * differs first. Compared as text: decoding both to Buffers for crypto.timingSafeEqual costs
 * a large share of the whole key check (bench/key-check.ts).
 */
export function hexHashesEqual(presented: string, stored: string): boolean {
  if (presented.length !== stored.length) return false;
  let diff = 0;
  for (let i = 0; i < stored.length; i++) diff |= presented.charCodeAt(i) ^ stored.charCodeAt(i);
  return diff === 0;
}
