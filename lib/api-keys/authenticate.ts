// The key lookup on use (nuget.org's ApiKeyAuthenticationHandler): the key's row, its expiry,
// revocation and owner scope, and the last-used write. What the key may then do is
// key-checks.ts (action filter → per-package subject → owner state); the words, refusals.ts.
// During a roll's overlap the replaced secret is found by previousLookupId in the same query and
// works until previousValidUntil; after it, it is refused as a key not found (as regenerated).
import "server-only";
import type { Db } from "@/lib/create-db";
import { driverReader, driverWriter, KEY_BY_LOOKUP_ID, TOUCH_KEY, TOUCH_PREVIOUS_SECRET } from "@/lib/driver-sql";
import { hexHashesEqual, parseKey, secretMatches } from "./key-material";
import { parseVerifyKey, VERIFY_KEY_TYPE } from "./verification-keys";

export interface AuthenticatedKey {
  id: string;
  type: string;
  name: string;
  userId: string;
  ownerId: string;
  ownerUsername: string;
  ownerConfirmed: boolean;
  ownerLocked: boolean;
  expiresAt: Date;
  /** as read by authenticate(): lets touchKey skip its write within the minute */
  lastUsedAt: Date | null;
  scopes: { action: string; subject: string }[];
  /** which secret was presented: the current one, or the one a roll replaced (during its overlap) */
  secret: "current" | "previous";
  /** as read by authenticate(), for touchKey on the previous secret */
  previousLastUsedAt: Date | null;
  /** the key's address limits, one CIDR range per line; null = anywhere (address-limits.ts) */
  allowedCidrs: string | null;
}

export type KeyFailure = "missing" | "not-found" | "expired" | "revoked" | "owner-mismatch";

/** `keyId`: the key that was found but refused (its use is recorded: lib/key-activity) */
export type AuthResult = { ok: true; key: AuthenticatedKey } | { ok: false; failure: KeyFailure; keyName?: string; keyId?: string };

interface KeyRow {
  id: string;
  type: string;
  name: string;
  userId: string;
  ownerId: string;
  secretHash: string;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lookupId: string;
  previousSecretHash: string | null;
  previousValidUntil: Date | null;
  previousLastUsedAt: Date | null;
  allowedCidrs: string | null;
  revoked: boolean;
  userIsOrganization: boolean;
  ownerUsername: string;
  ownerConfirmed: boolean;
  ownerLocked: boolean;
  /** the owner is the user, or an organization the user is currently a member of */
  ownerMatches: boolean;
  scopes: { action: string; subject: string }[];
}

async function findKeyRow(db: Db, lookupId: string): Promise<KeyRow | null> {
  const row = await driverReader(db).one<KeyRow>(KEY_BY_LOOKUP_ID, [lookupId, lookupId]);
  if (!row) return null;
  // fail closed: an unreadable expiry must never count as "not expired yet"
  if (Number.isNaN(row.expiresAt.getTime())) throw new Error(`API key ${row.id}: unreadable expiresAt`);
  return row;
}

/**
 * Finds and checks the key in an X-NuGet-ApiKey header. A malformed key (bad shape or checksum)
 * is refused without touching the database; a well-formed one costs one indexed lookup.
 */
export async function authenticate(db: Db, header: string | null, now = new Date()): Promise<AuthResult> {
  // NuGet 2.8.7 sends the header empty when no key was given: that is "no key" (401), not a bad one
  if (header === null || header.trim() === "") return { ok: false, failure: "missing" };

  const v4 = parseKey(header);
  const verify = v4 ? null : parseVerifyKey(header);
  if (!v4 && !verify) return { ok: false, failure: "not-found" };

  const lookupId = v4 ? v4.lookupId : verify!.lookupId;
  const row = await findKeyRow(db, lookupId);
  if (!row) return { ok: false, failure: "not-found" };
  const previous = row.lookupId !== lookupId;
  // the replaced secret only during its overlap (an unreadable end counts as over)
  if (previous && !(row.previousSecretHash && row.previousValidUntil && now.getTime() < row.previousValidUntil.getTime())) {
    return { ok: false, failure: "not-found" };
  }
  const matches = v4
    ? row.type !== VERIFY_KEY_TYPE && secretMatches(v4, previous ? row.previousSecretHash! : row.secretHash)
    : !previous && row.type === VERIFY_KEY_TYPE && hexHashesEqual(verify!.secretHash, row.secretHash);
  if (!matches) return { ok: false, failure: "not-found" };
  if (row.revoked) return { ok: false, failure: "revoked", keyName: row.name, keyId: row.id };
  if (now.getTime() >= row.expiresAt.getTime()) return { ok: false, failure: "expired", keyName: row.name, keyId: row.id };
  // The key's user must still match the owner scope (nuget.org's MatchesOwnerScope, checked on
  // every request): the owner is the user, or an organization the user is a member of now, in
  // either role. Leaving makes the key fail; rejoining makes it work again. Organizations hold no keys.
  if (row.userIsOrganization || !row.ownerMatches) {
    return { ok: false, failure: "owner-mismatch", keyName: row.name, keyId: row.id };
  }
  return {
    ok: true,
    key: {
      id: row.id,
      type: row.type,
      name: row.name,
      userId: row.userId,
      ownerId: row.ownerId,
      ownerUsername: row.ownerUsername,
      ownerConfirmed: row.ownerConfirmed,
      ownerLocked: row.ownerLocked,
      expiresAt: row.expiresAt,
      lastUsedAt: row.lastUsedAt,
      scopes: row.scopes,
      secret: previous ? "previous" : "current",
      previousLastUsedAt: row.previousLastUsedAt,
      allowedCidrs: row.allowedCidrs,
    },
  };
}

const TOUCH_EVERY_MS = 60_000;

/**
 * Records a successful use, at most once a minute per key. Within the minute of the use the
 * key check just read, no query at all; otherwise the condition in the update keeps concurrent
 * requests (and other app instances) to one write a minute. Through the driver (see
 * driverWriter), as the push's own write: in the front process (server/main.ts) a Prisma write
 * on SQLite would wait for the Next process's write lock by blocking the event loop.
 */
export async function touchKey(
  db: Db,
  key: Pick<AuthenticatedKey, "id" | "lastUsedAt"> & Partial<Pick<AuthenticatedKey, "secret" | "previousLastUsedAt">>,
  now = new Date(),
): Promise<void> {
  // the secret a roll replaced has a last use of its own: the page shows both during the overlap
  const previous = key.secret === "previous";
  const last = previous ? (key.previousLastUsedAt ?? null) : key.lastUsedAt;
  if (last && now.getTime() - last.getTime() < TOUCH_EVERY_MS) return;
  const sql = previous ? TOUCH_PREVIOUS_SECRET : TOUCH_KEY;
  await driverWriter(db).transaction([{ sql, params: [now, key.id, new Date(now.getTime() - TOUCH_EVERY_MS)] }], () => undefined);
}
