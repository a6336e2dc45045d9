// The key lookup on use (nuget.org's ApiKeyAuthenticationHandler): the key's row, its expiry,
// revocation and owner scope, and the last-used write. What the key may then do is
// key-checks.ts (action filter → per-package subject → owner state); the words, refusals.ts.
import "server-only";
import { hotReader, hotWriter, type Db, type HotSql } from "@/lib/create-db";
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
}

export type KeyFailure = "missing" | "not-found" | "expired" | "revoked" | "owner-mismatch";

export type AuthResult = { ok: true; key: AuthenticatedKey } | { ok: false; failure: KeyFailure; keyName?: string };

interface KeyRow {
  id: string;
  type: string;
  name: string;
  userId: string;
  ownerId: string;
  secretHash: string;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revoked: boolean;
  userIsOrganization: boolean;
  ownerUsername: string;
  ownerConfirmed: boolean;
  ownerLocked: boolean;
  scopes: { action: string; subject: string }[];
}

/** The key, its user's and owner's flags and its scopes in one round trip (see hotReader for why not Prisma). */
export const KEY_ROW: HotSql = {
  name: "authenticate_key_row",
  sqlite: `SELECT k.id, k.type, k.name, k.userId, k.ownerId, k.secretHash, k.expiresAt, k.lastUsedAt,
      k.revokedAt IS NOT NULL AS revoked, u.isOrganization AS userIsOrganization,
      o.username AS ownerUsername, o.emailConfirmedAt IS NOT NULL AS ownerConfirmed, o.locked AS ownerLocked,
      (SELECT json_group_array(json_object('action', s.action, 'subject', s.subject)) FROM ApiKeyScope s WHERE s.apiKeyId = k.id) AS scopes
    FROM ApiKey k JOIN User u ON u.id = k.userId JOIN User o ON o.id = k.ownerId
    WHERE k.lookupId = ?`,
  postgresql: `SELECT k.id, k.type, k.name, k."userId", k."ownerId", k."secretHash",
      (extract(epoch FROM k."expiresAt") * 1000)::float8 AS "expiresAt",
      (extract(epoch FROM k."lastUsedAt") * 1000)::float8 AS "lastUsedAt",
      k."revokedAt" IS NOT NULL AS revoked, u."isOrganization" AS "userIsOrganization",
      o.username AS "ownerUsername", o."emailConfirmedAt" IS NOT NULL AS "ownerConfirmed", o.locked AS "ownerLocked",
      (SELECT coalesce(json_agg(json_build_object('action', s.action, 'subject', s.subject)), '[]'::json) FROM "ApiKeyScope" s WHERE s."apiKeyId" = k.id) AS scopes
    FROM "ApiKey" k JOIN "User" u ON u.id = k."userId" JOIN "User" o ON o.id = k."ownerId"
    WHERE k."lookupId" = $1`,
};

type RawKeyRow = Omit<KeyRow, "expiresAt" | "lastUsedAt" | "revoked" | "userIsOrganization" | "ownerConfirmed" | "ownerLocked" | "scopes"> & {
  // SQLite: ISO text (the Prisma adapter's format), 0/1 flags and JSON text; PostgreSQL: epoch ms, booleans, parsed JSON
  expiresAt: string | number;
  lastUsedAt: string | number | null;
  revoked: number | boolean;
  userIsOrganization: number | boolean;
  ownerConfirmed: number | boolean;
  ownerLocked: number | boolean;
  scopes: string | KeyRow["scopes"];
};

async function findKeyRow(db: Db, lookupId: string): Promise<KeyRow | null> {
  const raw = await hotReader(db).one<RawKeyRow>(KEY_ROW, [lookupId]);
  if (!raw) return null;
  const expiresAt = new Date(raw.expiresAt);
  // fail closed: an unreadable expiry must never count as "not expired yet"
  if (Number.isNaN(expiresAt.getTime())) throw new Error(`API key ${raw.id}: unreadable expiresAt ${String(raw.expiresAt)}`);
  return {
    ...raw,
    expiresAt,
    lastUsedAt: raw.lastUsedAt === null ? null : new Date(raw.lastUsedAt),
    revoked: Boolean(raw.revoked),
    userIsOrganization: Boolean(raw.userIsOrganization),
    ownerConfirmed: Boolean(raw.ownerConfirmed),
    ownerLocked: Boolean(raw.ownerLocked),
    scopes: typeof raw.scopes === "string" ? (JSON.parse(raw.scopes) as KeyRow["scopes"]) : raw.scopes,
  };
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

  const row = await findKeyRow(db, v4 ? v4.lookupId : verify!.lookupId);
  if (!row) return { ok: false, failure: "not-found" };
  const matches = v4
    ? row.type !== VERIFY_KEY_TYPE && secretMatches(v4, row.secretHash)
    : row.type === VERIFY_KEY_TYPE && hexHashesEqual(verify!.secretHash, row.secretHash);
  if (!matches) return { ok: false, failure: "not-found" };
  if (row.revoked) return { ok: false, failure: "revoked", keyName: row.name };
  if (now.getTime() >= row.expiresAt.getTime()) return { ok: false, failure: "expired", keyName: row.name };
  // The key's user must still match the owner scope: the owner is the user (organizations,
  // which would also allow a member, are not modelled yet); organizations hold no keys.
  if (row.userIsOrganization || row.ownerId !== row.userId) {
    return { ok: false, failure: "owner-mismatch", keyName: row.name };
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
    },
  };
}

const TOUCH_EVERY_MS = 60_000;

/** Both sides of `<` are timestamps as the app writes them (on SQLite, ISO text of one width: text order is time order). */
const TOUCH: HotSql = {
  name: "touch_key",
  sqlite: `UPDATE ApiKey SET lastUsedAt = ? WHERE id = ? AND (lastUsedAt IS NULL OR lastUsedAt < ?)`,
  postgresql: `UPDATE "ApiKey" SET "lastUsedAt" = $1 WHERE id = $2 AND ("lastUsedAt" IS NULL OR "lastUsedAt" < $3)`,
};

/**
 * Records a successful use, at most once a minute per key. Within the minute of the use the
 * key check just read, no query at all; otherwise the condition in the update keeps concurrent
 * requests (and other app instances) to one write a minute. Through the driver (see
 * hotWriter), as the push's own write: in the front process (server/main.ts) a Prisma write
 * on SQLite would wait for the Next process's write lock by blocking the event loop.
 */
export async function touchKey(db: Db, key: Pick<AuthenticatedKey, "id" | "lastUsedAt">, now = new Date()): Promise<void> {
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < TOUCH_EVERY_MS) return;
  await hotWriter(db).transaction([{ sql: TOUCH, params: [now, key.id, new Date(now.getTime() - TOUCH_EVERY_MS)] }], () => undefined);
}
