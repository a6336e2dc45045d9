// The key check on use (nuget.org's ApiKeyAuthenticationHandler + ApiScopeEvaluator), in the
// spec's order: lookup → expiry/revocation → owner scope → action filter → per-package subject
// → new/existing id → package ownership → owner confirmed/not locked.
import "server-only";
import { hotReader, hotWriter, type Db, type HotSql } from "@/lib/create-db";
import { hexHashesEqual, parseKey, secretMatches } from "./key-material";
import { ACTIONS, ACTION_DESCRIPTIONS, subjectAllows, type Action } from "./scopes";
import { generateVerifyKey, parseVerifyKey, VERIFY_KEY_DAYS, VERIFY_KEY_TYPE } from "./verification-keys";

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

/** What an endpoint does, as nuget.org's ApiScopeRequired attributes and scope evaluation see it. */
export type Operation = "push" | "unlist" | "create-verification-key" | "verify";

/** Actions a key needs at least one of to call the endpoint at all (the action filter). */
const ENDPOINT_ACTIONS: Record<Operation, readonly Action[]> = {
  push: [ACTIONS.push, ACTIONS.pushVersion],
  unlist: [ACTIONS.unlist],
  "create-verification-key": [ACTIONS.push, ACTIONS.pushVersion],
  verify: [ACTIONS.verify, ACTIONS.push, ACTIONS.pushVersion],
};

function allows(scopeAction: string, actions: readonly string[]): boolean {
  const a = scopeAction.toLowerCase();
  // nuget.org: an "all" or empty action (legacy full-access keys) allows everything
  return a === "" || a === "all" || actions.includes(a);
}

export type ScopeFailure = "action" | "subject" | "new-id-needs-push";

/** Action filter: does any scope allow one of the endpoint's actions? */
export function checkAction(key: AuthenticatedKey, op: Operation): ScopeFailure | null {
  return key.scopes.some((s) => allows(s.action, ENDPOINT_ACTIONS[op])) ? null : "action";
}

/** The actions that count for this package: a new id needs push; an existing id takes push or pushversion. */
function packageActions(key: AuthenticatedKey, op: Operation, idExists: boolean): readonly Action[] {
  switch (op) {
    case "push":
      return idExists ? [ACTIONS.push, ACTIONS.pushVersion] : [ACTIONS.push];
    case "unlist":
      return [ACTIONS.unlist];
    case "verify":
      return key.type === VERIFY_KEY_TYPE ? [ACTIONS.verify] : [ACTIONS.push, ACTIONS.pushVersion];
    case "create-verification-key":
      return [ACTIONS.push, ACTIONS.pushVersion];
  }
}

/** Per-package check: a scope whose subject matches the id and whose action counts. */
export function checkSubject(key: AuthenticatedKey, op: Operation, packageId: string, idExists: boolean): ScopeFailure | null {
  const actions = packageActions(key, op, idExists);
  const matching = key.scopes.filter((s) => subjectAllows(s.subject, packageId));
  if (matching.some((s) => allows(s.action, actions))) return null;
  if (op === "push" && !idExists && matching.some((s) => allows(s.action, [ACTIONS.pushVersion]))) {
    return "new-id-needs-push";
  }
  return matching.length === 0 ? "subject" : "action";
}

/** The owner's state, checked after ownership: nuget.org's two specific 403 texts. */
export function checkOwnerState(key: AuthenticatedKey): "owner-unconfirmed" | "owner-locked" | null {
  if (!key.ownerConfirmed) return "owner-unconfirmed";
  if (key.ownerLocked) return "owner-locked";
  return null;
}

/**
 * What went wrong, for the body and X-NuGet-Warning (beyond nuget.org's one vague 403,
 * NuGetGallery#10774). Speaks only of the caller's own key and owner, never of other accounts.
 */
export function explainFailure(
  failure: KeyFailure | ScopeFailure | "not-owner" | "gone-during-upload",
  ctx: { keyName?: string; packageId?: string; ownerUsername?: string; op?: Operation },
): string {
  const key = ctx.keyName ? `The API key '${ctx.keyName}'` : "The API key";
  switch (failure) {
    case "missing":
      return "No API key was sent. Pass one with -ApiKey or save one with 'nuget setapikey'.";
    case "not-found":
      return "The API key was not found: it is mistyped, incomplete, or it was deleted or regenerated.";
    case "expired":
      return `${key} has expired. Regenerate it on the API keys page.`;
    case "revoked":
      return `${key} has been revoked. Regenerate it or create a new one on the API keys page.`;
    case "owner-mismatch":
      return `${key} is scoped to an owner its user no longer acts for.`;
    case "action": {
      const needed = ENDPOINT_ACTIONS[ctx.op ?? "push"].filter((a) => a !== ACTIONS.verify).map((a) => `'${ACTION_DESCRIPTIONS[a]}'`);
      return `${key} lacks the scope for this action: it needs ${needed.join(" or ")}${ctx.packageId ? ` for package '${ctx.packageId}'` : ""}.`;
    }
    case "subject":
      return `${key} is not scoped to package '${ctx.packageId}': none of its package ids or glob patterns matches it.`;
    case "new-id-needs-push":
      return `Package '${ctx.packageId}' does not exist yet, and pushing a new package id needs the scope '${ACTION_DESCRIPTIONS[ACTIONS.push]}'; ${key.replace(/^The/, "the")} has only '${ACTION_DESCRIPTIONS[ACTIONS.pushVersion]}'.`;
    case "gone-during-upload":
      return `${key} was revoked, deleted, regenerated or expired while the package was uploading; nothing was stored.`;
    case "not-owner":
      return `The owner of this API key ('${ctx.ownerUsername}') does not own package '${ctx.packageId}'.`;
  }
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

export const EXPIRY_WARNING_DAYS = 10;

/** Whole days left when the key expires within 10 days (nuget.org's warning window), else null. */
export function daysUntilExpiry(key: AuthenticatedKey, now = new Date()): number | null {
  const days = (key.expiresAt.getTime() - now.getTime()) / 86_400_000;
  return days <= EXPIRY_WARNING_DAYS ? Math.max(1, Math.ceil(days)) : null;
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
