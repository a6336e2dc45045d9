// API keys data layer: the only module that reads or writes ApiKey/ApiKeyScope for the page.
//
// Every function takes the Prisma client first and, when it acts for a person, that user's id
// second; the id goes into every `where`, so someone else's key answers exactly like a missing
// one. Reads select a DTO (ApiKeyView) and never the secret hash. The plaintext of a key exists
// only in the return value of createApiKey/regenerateApiKey.
//
//   createApiKey(db, userId, {name, expiresInDays, ownerId, actions, subjects, allowedCidrs?}, now?)
//       → {ok:true, key, plaintext} | {ok:false, error, field}   field: the input it shows under, or null
//     Re-checks every rule of the form (name, expiry option, owner allowed, scopes, subjects,
//     packages owned by the owner). Key + scope rows + AddCredential audit in one transaction,
//     then the "API key added to your account" mail.
//   listApiKeys(db, userId) → ApiKeyView[]              newest first, then by name
//   editApiKey(db, userId, keyId, subjects, {allowedCidrs?}?) → {ok:true, key} | {ok:false, error, field}
//     Replaces the subjects, and the address limits when given (owner, actions, value, expiry
//     unchanged); EditCredential audit; no mail.
//   regenerateApiKey(db, userId, keyId, now?, {expiresInDays?, activeOnly?}?) → {key, plaintext} | null
//     New key with the same name, owner, actions, subjects, address limits and duration (or the one given) from now; the old row is
//     deleted in the same transaction, and deleting 0 rows aborts it, so of N concurrent
//     regenerates of one id exactly one succeeds. AddCredential + RemoveCredential audits; no mail.
//     Works on expired and revoked keys (nuget.org); null for a locked account too, and (beyond
//     nuget.org, #5872) for a key of an organization the user left, which edit refuses as well.
//   revokeApiKey(db, userId, keyId, source = "User", now?) → ApiKeyView | null
//     Only an active key (not expired, not revoked): sets revokedAt/expiresAt to now and the
//     source; RevokeCredential audit; "API Key '{name}' Revoked" mail.
//   deleteApiKey(db, userId, keyId) → boolean
//     Removes the key and (cascade) its scopes; RemoveCredential audit; "API key removed" mail.
//   listOwners(db, userId) → Owner[]                    the accounts a key may act for
//   listOwnedPackageIds(db, ownerId, {filter?, skip?, take?}) → string[]   A–Z, case-insensitive
//
// Mails go out after the transaction commits; a mail failure is logged, never undoes the change.
import "server-only";
import type { Db, DbTransaction } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { requestIp } from "@/lib/request-context";
import { sendMail, subject } from "@/lib/mail/mailer";
import { generateKey } from "./key-material";
import { actionsAndSubjects } from "./scope-rows";
import type { Action } from "./scopes";
import { env } from "@/lib/env";
import { MESSAGES, checkActions, checkName, checkSubjects, expiryOptions, resolveExpiry, type Refusal, type Subjects } from "./rules";
import { logError } from "@/lib/log";
import { listMemberOrganizations } from "@/lib/organizations/store";
import { driverReader, OWNED_PACKAGE_IDS } from "@/lib/driver-sql";
import { rangesOf, storedLimits } from "./address-limits";

const DAY_MS = 24 * 60 * 60 * 1000;
const KEY_TYPE = "apikey.v4";

interface ApiKeyView {
  id: string;
  name: string;
  type: string;
  ownerId: string;
  ownerUsername: string;
  /** sorted as USER_ACTIONS, no duplicates */
  actions: Action[];
  /** the glob (if any) first, then exact ids A–Z */
  subjects: string[];
  expiresInDays: number;
  expiresAt: Date;
  createdAt: Date;
  revokedAt: Date | null;
  revocationSource: string | null;
  revocationUrl: string | null;
  lastUsedAt: Date | null;
  /** address limits, normalised CIDR ranges; [] = anywhere */
  allowedCidrs: string[];
  /** a roll's overlap (roll.ts): the replaced secret works until previousValidUntil */
  previousValidUntil: Date | null;
  previousLastUsedAt: Date | null;
}

interface Owner {
  id: string;
  username: string;
}

interface CreateApiKeyInput {
  name: string;
  /** null/0/missing = the default (largest) option; see rules.resolveExpiry */
  expiresInDays: number | null | undefined;
  ownerId: string;
  actions: readonly string[];
  subjects: readonly string[];
  /** normalised ranges (address-limits.ts parseAddressLimits); none = anywhere */
  allowedCidrs?: readonly string[];
}

type CreateResult = { ok: true; key: ApiKeyView; plaintext: string } | Refusal;
type EditResult = { ok: true; key: ApiKeyView } | Refusal;

export const viewSelect = {
  id: true,
  name: true,
  type: true,
  ownerId: true,
  owner: { select: { username: true } },
  expiresInDays: true,
  expiresAt: true,
  createdAt: true,
  revokedAt: true,
  revocationSource: true,
  revocationUrl: true,
  lastUsedAt: true,
  allowedCidrs: true,
  previousValidUntil: true,
  previousLastUsedAt: true,
  scopes: { select: { action: true, subject: true } },
} as const;

/** What viewSelect returns: the view's columns with the owner and scope rows still nested. */
type KeyRow = Omit<ApiKeyView, "ownerUsername" | "actions" | "subjects" | "allowedCidrs"> & {
  allowedCidrs: string | null;
  owner: { username: string };
  scopes: { action: string; subject: string }[];
};

export function toView(row: KeyRow): ApiKeyView {
  const { actions, subjects } = actionsAndSubjects(row.scopes);
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    ownerId: row.ownerId,
    ownerUsername: row.owner.username,
    actions,
    subjects,
    expiresInDays: row.expiresInDays,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    revocationSource: row.revocationSource,
    revocationUrl: row.revocationUrl,
    lastUsedAt: row.lastUsedAt,
    allowedCidrs: rangesOf(row.allowedCidrs),
    previousValidUntil: row.previousValidUntil,
    previousLastUsedAt: row.previousLastUsedAt,
  };
}

/** nuget.org's CredentialAuditRecord: names, dates and each scope, never the value. */
export function auditDetails(key: ApiKeyView, extra: Record<string, unknown> = {}) {
  return {
    type: key.type,
    name: key.name,
    created: key.createdAt.toISOString(),
    expires: key.expiresAt.toISOString(),
    lastUsed: key.lastUsedAt?.toISOString() ?? null,
    revocationSource: key.revocationSource,
    owner: key.ownerUsername,
    actions: key.actions,
    subjects: key.subjects,
    scopes: key.actions.flatMap((action) => key.subjects.map((s) => ({ owner: key.ownerUsername, subject: s, action }))),
    ...extra,
  };
}

function scopeRows(actions: readonly string[], subjects: readonly string[]) {
  // nuget.org writes one Scope row per (action, subject)
  return actions.flatMap((action) => subjects.map((subject) => ({ action, subject })));
}

/** To the user's address: the one given (already read), or else read by id. */
async function mailUser(db: Db, user: { id: string; email?: string }, subjectText: string, text: string) {
  try {
    const to = user.email ?? (await db.user.findUnique({ where: { id: user.id }, select: { email: true } }))?.email;
    if (to !== undefined) await sendMail({ to, subject: subject(subjectText), text });
  } catch (e) {
    // the change is committed; a mail outage must not turn it into an error page
    logError("[api-keys] mail failed", e);
  }
}

const SUPPORT_LINE = "If you did not request this change, please reply to this email to contact support.";

/**
 * The accounts a (non-organization) user's keys may act for: the user, then each organization
 * they are a member of, in membership order. nuget.org drops owners allowing none of push new,
 * push existing and unlist; both Administrators and Collaborators may do all three, so no
 * organization of theirs is dropped.
 */
async function ownersOf(db: Db, user: Owner): Promise<Owner[]> {
  const organizations = await listMemberOrganizations(db, user.id);
  return [{ id: user.id, username: user.username }, ...organizations.map((o) => ({ id: o.id, username: o.username }))];
}

/**
 * Beyond nuget.org (#5872): whether the user still acts for a key's owner (themselves, or an
 * organization they belong to). A key of an organization they left cannot be used, so it can
 * no longer be edited or regenerated either (nuget.org allows both, to no effect).
 */
export async function actsFor(db: Db | DbTransaction, userId: string, ownerId: string): Promise<boolean> {
  return ownerId === userId || (await db.membership.count({ where: { organizationId: ownerId, memberId: userId } })) > 0;
}

/** The refusal for a key whose owner the user no longer acts for (#5872). */
export const lostOwnerMessage = (owner: string) => `You are no longer a member of ${owner}; this key cannot be used.`;

export async function listOwners(db: Db, userId: string): Promise<Owner[]> {
  const user = await db.user.findFirst({ where: { id: userId, isOrganization: false }, select: { id: true, username: true } });
  return user ? ownersOf(db, user) : [];
}

export async function listOwnedPackageIds(
  db: Db,
  ownerId: string,
  opts: { filter?: string; skip?: number; take?: number } = {},
): Promise<string[]> {
  const filter = opts.filter?.trim().toLowerCase();
  // the picker's whole list, 10,000+ ids for a big organization: through the driver (one join)
  if (!filter && opts.skip === undefined && opts.take === undefined) return driverReader(db).column<string>(OWNED_PACKAGE_IDS, [ownerId]);
  // idKey is the lower-cased id, so `contains` is case-insensitive on both databases
  const where = { owners: { some: { userId: ownerId } }, ...(filter ? { idKey: { contains: filter } } : {}) };
  const rows = await db.packageRegistration.findMany({
    where,
    select: { packageId: true },
    orderBy: { idKey: "asc" },
    skip: opts.skip,
    take: opts.take,
  });
  return rows.map((r) => r.packageId);
}

/**
 * The exact ids as the owner's packages spell them, or null if the owner does not own one of
 * them. (A glob is not checked against packages: it also covers future ids, as nuget.org.)
 */
async function ownedSubjects(db: Db | DbTransaction, ownerId: string, subjects: Subjects): Promise<string[] | null> {
  if (subjects.ids.length === 0) return subjects.glob ? [subjects.glob] : [];
  const keys = subjects.ids.map((id) => id.toLowerCase());
  const rows = await db.packageRegistration.findMany({
    where: { idKey: { in: keys }, owners: { some: { userId: ownerId } } },
    select: { packageId: true },
  });
  if (rows.length !== keys.length) return null;
  return [...(subjects.glob ? [subjects.glob] : []), ...rows.map((r) => r.packageId)];
}

export async function createApiKey(db: Db, userId: string, input: CreateApiKeyInput, now = new Date()): Promise<CreateResult> {
  const name = checkName(input.name);
  if (!name.ok) return name;
  const days = resolveExpiry(input.expiresInDays, expiryOptions(env().API_KEY_EXPIRY_DAYS));
  if (!days.ok) return days;
  if (!input.ownerId) return { ok: false, error: MESSAGES.ownerBlankServer, field: "owner" };
  const actions = checkActions(input.actions);
  if (!actions.ok) return actions;
  const subjects = checkSubjects(input.subjects);
  if (!subjects.ok) return subjects;

  // one read of the user: whether it may make keys, for whom, and where the mail goes
  const user = await db.user.findFirst({
    where: { id: userId, isOrganization: false },
    select: { id: true, username: true, email: true, locked: true },
  });
  if (!user) return { ok: false, error: MESSAGES.ownerNotAllowed, field: "owner" };
  if (user.locked) return { ok: false, error: MESSAGES.userLocked, field: null };
  if (!(await ownersOf(db, user)).some((o) => o.id === input.ownerId)) return { ok: false, error: MESSAGES.ownerNotAllowed, field: "owner" };
  const stored = await ownedSubjects(db, input.ownerId, subjects.value);
  if (!stored) return { ok: false, error: MESSAGES.packageNotOwned, field: "subjects" };

  const material = generateKey();
  const ip = await requestIp();
  const key = await db.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: {
        userId,
        ownerId: input.ownerId,
        type: KEY_TYPE,
        name: name.value,
        lookupId: material.lookupId,
        secretHash: material.secretHash,
        expiresInDays: days.value,
        expiresAt: new Date(now.getTime() + days.value * DAY_MS),
        createdAt: now,
        allowedCidrs: storedLimits(input.allowedCidrs ?? []),
        scopes: { create: scopeRows(actions.value, stored) },
      },
      select: viewSelect,
    });
    const view = toView(row);
    const limits = view.allowedCidrs.length ? { allowedCidrs: view.allowedCidrs } : {};
    await writeAudit(tx, { actorId: userId, action: "AddCredential", target: view.id, details: auditDetails(view, limits), ip });
    return view;
  });
  await mailUser(
    db,
    user,
    "API key added to your account",
    `API key '${key.name}' was added to your account and can now be used. ${SUPPORT_LINE}`,
  );
  return { ok: true, key, plaintext: material.plaintext };
}

export async function listApiKeys(db: Db, userId: string): Promise<ApiKeyView[]> {
  const rows = await db.apiKey.findMany({
    where: { userId, type: KEY_TYPE },
    select: viewSelect,
    orderBy: [{ createdAt: "desc" }, { name: "asc" }],
  });
  return rows.map(toView);
}

export async function editApiKey(
  db: Db,
  userId: string,
  keyId: string,
  subjects: readonly string[],
  opts: { allowedCidrs?: readonly string[] } = {},
): Promise<EditResult> {
  const checked = checkSubjects(subjects);
  if (!checked.ok) return checked;
  const ip = await requestIp();
  return db.$transaction(async (tx) => {
    // a no-op write first: it locks the row, so a concurrent delete or regenerate waits for
    // us (or we see 0 rows) instead of our new scope rows hitting a vanished key
    const { count } = await tx.apiKey.updateMany({ where: { id: keyId, userId, type: KEY_TYPE }, data: { type: KEY_TYPE } });
    const current = count === 1 ? await tx.apiKey.findFirst({ where: { id: keyId, userId }, select: viewSelect }) : null;
    if (!current) return { ok: false, error: MESSAGES.keyNotFound, field: null };
    if (!(await actsFor(tx, userId, current.ownerId))) return { ok: false, error: lostOwnerMessage(current.owner.username), field: null };
    const stored = await ownedSubjects(tx, current.ownerId, checked.value);
    if (!stored) return { ok: false, error: MESSAGES.packageNotOwned, field: "subjects" };
    const before = toView(current);
    await tx.apiKeyScope.deleteMany({ where: { apiKeyId: keyId } });
    await tx.apiKeyScope.createMany({ data: scopeRows(before.actions, stored).map((s) => ({ ...s, apiKeyId: keyId })) });
    if (opts.allowedCidrs) await tx.apiKey.update({ where: { id: keyId }, data: { allowedCidrs: storedLimits(opts.allowedCidrs) } });
    const after = toView((await tx.apiKey.findFirst({ where: { id: keyId, userId }, select: viewSelect }))!);
    await writeAudit(tx, {
      actorId: userId,
      action: "EditCredential",
      target: keyId,
      details: auditDetails(after, {
        previousSubjects: before.subjects,
        ...(opts.allowedCidrs ? { allowedCidrs: after.allowedCidrs, previousAllowedCidrs: before.allowedCidrs } : {}),
      }),
      ip,
    });
    return { ok: true, key: after };
  });
}

/** Thrown inside the transaction to roll it back when another request got there first. */
class AlreadyGone extends Error {}

/** The renew link's regenerate (lib/api-keys/renew.ts): a chosen duration, and never a revoked key. */
interface RegenerateOptions {
  /** the new duration, already checked against the offered options; the old one by default */
  expiresInDays?: number;
  /** null (not regenerated) for a revoked key, checked under the row lock */
  activeOnly?: boolean;
}

export async function regenerateApiKey(
  db: Db,
  userId: string,
  keyId: string,
  now = new Date(),
  opts: RegenerateOptions = {},
): Promise<{ key: ApiKeyView; plaintext: string } | null> {
  // nuget.org refuses a locked account a new secret
  const user = await db.user.findFirst({ where: { id: userId, isOrganization: false }, select: { locked: true } });
  if (!user || user.locked) return null;
  const material = generateKey();
  const ip = await requestIp();
  try {
    const key = await db.$transaction(async (tx) => {
      // a write first, as in editApiKey: it takes SQLite's write lock before any read (a push
      // commits on its own connection, and a transaction that has read cannot write after that)
      // and locks the row on PostgreSQL
      const { count: found } = await tx.apiKey.updateMany({ where: { id: keyId, userId, type: KEY_TYPE }, data: { type: KEY_TYPE } });
      const old = found === 1 ? await tx.apiKey.findFirst({ where: { id: keyId, userId, type: KEY_TYPE }, select: viewSelect }) : null;
      if (!old || !(await actsFor(tx, userId, old.ownerId))) throw new AlreadyGone();
      if (opts.activeOnly && old.revokedAt) throw new AlreadyGone();
      const oldView = toView(old);
      const days = opts.expiresInDays ?? old.expiresInDays;
      const row = await tx.apiKey.create({
        data: {
          userId,
          ownerId: old.ownerId,
          type: KEY_TYPE,
          name: old.name,
          lookupId: material.lookupId,
          secretHash: material.secretHash,
          expiresInDays: days,
          expiresAt: new Date(now.getTime() + days * DAY_MS),
          createdAt: now,
          allowedCidrs: storedLimits(oldView.allowedCidrs),
          scopes: { create: scopeRows(oldView.actions, oldView.subjects) },
        },
        select: viewSelect,
      });
      // A concurrent regenerate (or delete) of the same id that committed first leaves 0 rows
      // here: roll back our new key so exactly one successor exists.
      const { count } = await tx.apiKey.deleteMany({ where: { id: keyId, userId } });
      if (count !== 1) throw new AlreadyGone();
      const view = toView(row);
      await writeAudit(tx, { actorId: userId, action: "AddCredential", target: view.id, details: auditDetails(view, { regeneratedFrom: keyId }), ip });
      await writeAudit(tx, { actorId: userId, action: "RemoveCredential", target: keyId, details: auditDetails(oldView, { regeneratedTo: view.id }), ip });
      return view;
    });
    return { key, plaintext: material.plaintext };
  } catch (e) {
    if (e instanceof AlreadyGone) return null;
    throw e;
  }
}

export async function revokeApiKey(
  db: Db,
  userId: string,
  keyId: string,
  source: "User" | "GitHub" = "User",
  now = new Date(),
): Promise<ApiKeyView | null> {
  const ip = await requestIp();
  const key = await db.$transaction(async (tx) => {
    // nuget.org revokes only an active key, and revoking sets the expiry to now
    const { count } = await tx.apiKey.updateMany({
      where: { id: keyId, userId, type: KEY_TYPE, revokedAt: null, expiresAt: { gt: now } },
      data: { revokedAt: now, expiresAt: now, revocationSource: source },
    });
    if (count !== 1) return null;
    const view = toView((await tx.apiKey.findFirst({ where: { id: keyId, userId }, select: viewSelect }))!);
    await writeAudit(tx, { actorId: userId, action: "RevokeCredential", target: keyId, details: auditDetails(view, { source }), ip });
    return view;
  });
  if (key) {
    await mailUser(db, { id: userId }, `API Key '${key.name}' Revoked`, `Your API Key '${key.name}' has been revoked. ${SUPPORT_LINE}`);
  }
  return key;
}

export async function deleteApiKey(db: Db, userId: string, keyId: string): Promise<boolean> {
  const ip = await requestIp();
  const key = await db.$transaction(async (tx) => {
    // a write first (see regenerateApiKey)
    const { count: found } = await tx.apiKey.updateMany({ where: { id: keyId, userId, type: KEY_TYPE }, data: { type: KEY_TYPE } });
    const row = found === 1 ? await tx.apiKey.findFirst({ where: { id: keyId, userId, type: KEY_TYPE }, select: viewSelect }) : null;
    if (!row) return null;
    const { count } = await tx.apiKey.deleteMany({ where: { id: keyId, userId } });
    if (count !== 1) return null;
    const view = toView(row);
    await writeAudit(tx, { actorId: userId, action: "RemoveCredential", target: keyId, details: auditDetails(view), ip });
    return view;
  });
  if (!key) return false;
  await mailUser(
    db,
    { id: userId },
    "API key removed from your account",
    `API key '${key.name}' was removed from your account and can no longer be used. ${SUPPORT_LINE}`,
  );
  return true;
}
