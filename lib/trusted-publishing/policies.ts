// Trusted Publishing policies, the page's data layer (spec A3/A4): create, list, edit, activate,
// delete. Only a policy's creator sees or changes it. Every change (edit, activate, delete)
// deletes the short-lived keys the policy issued, in the same transaction; an edit that changes
// nothing saves nothing.
//
//   listPolicies(db, userId) → PolicyView[]                 oldest first; ownerValid checked live
//   createPolicy(db, userId, input, opts?) → {ok, policy} | PolicyRefusal
//   editPolicy(db, userId, policyId, input, opts?) → {ok, changed} | PolicyRefusal
//   activatePolicy(db, userId, policyId, opts?) → {ok, changed} | PolicyRefusal
//   deletePolicy(db, userId, policyId) → {ok} | PolicyRefusal
//
// Refusals carry nuget.org's status (400, or 401 where nuget.org answers it) and message; a
// refusal by the server's checks writes a PolicyBadRequest/PolicyUnauthorized audit record.
import "server-only";
import type { Db, DbTransaction } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { env } from "@/lib/env";
import { requestIp } from "@/lib/request-context";
import { listOwners } from "@/lib/api-keys/store";
import { actionsAndSubjects } from "@/lib/api-keys/scope-rows";
import { parseCriteria, serializeCriteria, validateByFrom, type GitHubCriteria } from "./criteria";
import { lookupRepositoryIds, type RepositoryIds } from "./github";
import { PROVIDER, TP_MESSAGES, checkCriteria, checkScopes, policyNameOf, type PolicyField } from "./rules";

export interface PolicyView {
  id: string;
  name: string;
  ownerId: string;
  ownerUsername: string;
  /** the creator may still act for the owner (the owner is them, or an organization they belong to) */
  ownerValid: boolean;
  provider: string;
  criteria: GitHubCriteria;
  actions: string[];
  subjects: string[];
  createdAt: Date;
  /** the exchange's JSON record of the last use (lib/trusted-publishing/last-use.ts) */
  lastUse: string | null;
}

export interface PolicyRefusal {
  ok: false;
  status: 400 | 401;
  /** the form's error area; null when fieldErrors say it all */
  error: string | null;
  fieldErrors?: Partial<Record<PolicyField, string>>;
}

export interface PolicyInput {
  policyName: string;
  repositoryOwner: string;
  repository: string;
  workflowFile: string;
  environment: string;
  policyScopes: string[];
  /** the textarea: one glob or package id a line */
  policySubjects: string;
}

export interface CreatePolicyInput extends PolicyInput {
  /** the package owner's username */
  owner: string;
  publisherType: string;
}

interface Options {
  now?: Date;
  /** the repository id lookup; GITHUB_API_BASE by default (tests point it at their own server) */
  lookup?: (owner: string, repository: string) => Promise<RepositoryIds | null>;
}

const select = {
  id: true,
  name: true,
  ownerId: true,
  owner: { select: { username: true } },
  provider: true,
  criteria: true,
  createdAt: true,
  lastUse: true,
  scopes: { select: { action: true, subject: true } },
} as const;

type Row = {
  id: string;
  name: string;
  ownerId: string;
  owner: { username: string };
  provider: string;
  criteria: string;
  createdAt: Date;
  lastUse: string | null;
  scopes: { action: string; subject: string }[];
};

function toView(row: Row, ownerValid: boolean): PolicyView {
  const { actions, subjects } = actionsAndSubjects(row.scopes);
  return {
    id: row.id,
    name: row.name,
    ownerId: row.ownerId,
    ownerUsername: row.owner.username,
    ownerValid,
    provider: row.provider,
    criteria: parseCriteria(row.criteria),
    actions,
    subjects,
    createdAt: row.createdAt,
    lastUse: row.lastUse,
  };
}

function scopeRows(actions: readonly string[], subjects: readonly string[]) {
  return actions.flatMap((action) => subjects.map((subject) => ({ action, subject })));
}

/** An order-free fingerprint of the scope rows, to tell an edit that changes nothing. */
function scopeKey(rows: readonly { action: string; subject: string }[]): string {
  return [...new Set(rows.map((r) => `${r.action}\n${r.subject}`))].sort().join("\n\n");
}

const refuse = (status: 400 | 401, error: string | null, fieldErrors?: PolicyRefusal["fieldErrors"]): PolicyRefusal => ({
  ok: false,
  status,
  error,
  fieldErrors,
});

/** nuget.org audits a refused create or update (BadRequest / Unauthorized), never the form's values beyond names. */
async function auditRefusal(db: Db, userId: string, r: PolicyRefusal, details: Record<string, unknown>): Promise<PolicyRefusal> {
  await writeAudit(db, {
    actorId: userId,
    action: r.status === 401 ? "PolicyUnauthorized" : "PolicyBadRequest",
    details: { ...details, reason: r.error ?? Object.values(r.fieldErrors ?? {}).join(" ") },
    ip: await requestIp(),
  });
  return r;
}

async function actsFor(db: Db | DbTransaction, userId: string, ownerId: string): Promise<boolean> {
  return ownerId === userId || (await db.membership.count({ where: { organizationId: ownerId, memberId: userId } })) > 0;
}

export async function listPolicies(db: Db, userId: string): Promise<PolicyView[]> {
  const [rows, orgs] = await Promise.all([
    db.trustedPublishingPolicy.findMany({ where: { createdById: userId }, select, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db.membership.findMany({ where: { memberId: userId }, select: { organizationId: true } }),
  ]);
  const valid = new Set([userId, ...orgs.map((m) => m.organizationId)]);
  return rows.map((r) => toView(r, valid.has(r.ownerId)));
}

/** The ids of another of the user's policies for the same repository (ignoring case), as nuget.org's page copies them. */
async function idsFromOtherPolicy(db: Db, userId: string, owner: string, repository: string): Promise<RepositoryIds | null> {
  const rows = await db.trustedPublishingPolicy.findMany({ where: { createdById: userId, provider: PROVIDER }, select: { criteria: true } });
  for (const row of rows) {
    const c = parseCriteria(row.criteria);
    if (c.ownerId && c.repositoryId && c.owner.toLowerCase() === owner.toLowerCase() && c.repository.toLowerCase() === repository.toLowerCase()) {
      return { ownerId: c.ownerId, repositoryId: c.repositoryId };
    }
  }
  return null;
}

/** Permanent with both ids; otherwise temporary until now + 7 days (truncated to the hour), on every create and update. */
function withValidity(c: Omit<GitHubCriteria, "validateBy">, now: Date): GitHubCriteria {
  if (c.ownerId && c.repositoryId) return { ...c, validateBy: undefined };
  return { ...c, ownerId: undefined, repositoryId: undefined, validateBy: validateByFrom(now) };
}

export async function createPolicy(
  db: Db,
  userId: string,
  input: CreatePolicyInput,
  opts: Options = {},
): Promise<{ ok: true; policy: PolicyView } | PolicyRefusal> {
  const now = opts.now ?? new Date();
  const audit = { policyName: input.policyName.slice(0, 100), owner: input.owner.slice(0, 100) };
  const fail = (r: PolicyRefusal) => auditRefusal(db, userId, r, audit);
  const ownerName = input.owner.trim();
  if (!ownerName) return fail(refuse(400, null, { owner: TP_MESSAGES.ownerBlankServer }));
  if (input.publisherType !== PROVIDER) return fail(refuse(400, TP_MESSAGES.providerUnsupported(input.publisherType.slice(0, 40))));
  const user = await db.user.findUnique({ where: { id: userId }, select: { username: true, isOrganization: true } });
  if (!user) return fail(refuse(400, TP_MESSAGES.ownerBlankServer));
  const owner =
    ownerName.length <= 64 ? await db.user.findUnique({ where: { usernameKey: ownerName.toLowerCase() }, select: { id: true, username: true } }) : null;
  if (!owner) return fail(refuse(400, null, { owner: TP_MESSAGES.ownerUnknown(ownerName.slice(0, 64)) }));
  const scopes = checkScopes(input.policyScopes, input.policySubjects);
  if (!scopes.ok) return fail(refuse(400, null, { [scopes.field]: scopes.error }));
  if (user.isOrganization) return fail(refuse(400, TP_MESSAGES.creatorIsOrganization(user.username)));
  if (!(await listOwners(db, userId)).some((o) => o.id === owner.id)) return fail(refuse(401, TP_MESSAGES.notPermitted(user.username, owner.username)));
  const criteria = checkCriteria(input);
  const name = policyNameOf(input.policyName, criteria.ok ? criteria.workflow : "");
  if (!name.ok) return fail(refuse(401, null, { policyName: name.error }));
  if (!criteria.ok) return fail(refuse(400, null, criteria.errors));

  const ids =
    (await idsFromOtherPolicy(db, userId, criteria.owner, criteria.repository)) ??
    (await (opts.lookup ?? ((o, r) => lookupRepositoryIds(env().GITHUB_API_BASE, o, r)))(criteria.owner, criteria.repository));
  const stored = withValidity(
    {
      owner: criteria.owner,
      ownerId: ids?.ownerId,
      repository: criteria.repository,
      repositoryId: ids?.repositoryId,
      workflow: criteria.workflow,
      environment: criteria.environment,
    },
    now,
  );
  const ip = await requestIp();
  const policy = await db.$transaction(async (tx) => {
    const row = await tx.trustedPublishingPolicy.create({
      data: {
        name: name.name,
        createdById: userId,
        ownerId: owner.id,
        provider: PROVIDER,
        criteria: serializeCriteria(stored),
        createdAt: now,
        scopes: { create: scopeRows(scopes.actions, scopes.subjects) },
      },
      select,
    });
    const view = toView(row, true);
    await writeAudit(tx, { actorId: userId, action: "PolicyCreate", target: view.id, details: auditDetails(view), ip });
    return view;
  });
  return { ok: true, policy };
}

function auditDetails(p: PolicyView, extra: Record<string, unknown> = {}) {
  return { name: p.name, owner: p.ownerUsername, provider: p.provider, criteria: p.criteria, actions: p.actions, subjects: p.subjects, ...extra };
}

/** The guards of edit, activate and delete: nuget.org tells a missing policy from another user's. */
async function ownPolicy(db: Db, userId: string, policyId: string): Promise<PolicyRefusal | null> {
  const found = policyId.length <= 64 ? await db.trustedPublishingPolicy.findUnique({ where: { id: policyId }, select: { createdById: true } }) : null;
  if (!found) return refuse(400, TP_MESSAGES.unknownPolicy);
  if (found.createdById !== userId) return refuse(400, TP_MESSAGES.notCreator);
  return null;
}

type Change = (current: PolicyView) => { name: string; criteria: GitHubCriteria; actions: string[]; subjects: string[] } | PolicyRefusal;

/** One update: a no-op when nothing differs; otherwise the policy's keys go, in one transaction. */
async function update(db: Db, userId: string, policyId: string, change: Change, audit: Record<string, unknown>) {
  const guard = await ownPolicy(db, userId, policyId);
  if (guard) return guard;
  const ip = await requestIp();
  const result = await db.$transaction(async (tx) => {
    // a write first: it locks the row (PostgreSQL) and takes SQLite's write lock before any read
    const { count } = await tx.trustedPublishingPolicy.updateMany({ where: { id: policyId, createdById: userId }, data: { provider: PROVIDER } });
    const row = count === 1 ? await tx.trustedPublishingPolicy.findFirst({ where: { id: policyId, createdById: userId }, select }) : null;
    if (!row) return refuse(400, TP_MESSAGES.unknownPolicy);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { username: true } });
    if (!(await actsFor(tx, userId, row.ownerId))) return refuse(401, TP_MESSAGES.notPermitted(user?.username ?? "", row.owner.username));
    const before = toView(row, true);
    const next = change(before);
    if ("ok" in next) return next;
    const criteriaJson = serializeCriteria(next.criteria);
    const rows = scopeRows(next.actions, next.subjects);
    if (next.name === row.name && criteriaJson === row.criteria && scopeKey(rows) === scopeKey(row.scopes)) return { ok: true as const, changed: false };
    const keys = await tx.apiKey.findMany({ where: { policyId }, select: { id: true } });
    await tx.apiKey.deleteMany({ where: { policyId } });
    await tx.trustedPublishingScope.deleteMany({ where: { policyId } });
    await tx.trustedPublishingScope.createMany({ data: rows.map((s) => ({ ...s, policyId })) });
    const after = await tx.trustedPublishingPolicy.update({ where: { id: policyId }, data: { name: next.name, criteria: criteriaJson }, select });
    await writeAudit(tx, {
      actorId: userId,
      action: "PolicyUpdate",
      target: policyId,
      details: auditDetails(toView(after, true), { ...audit, previous: auditDetails(before), deletedKeys: keys.map((k) => k.id) }),
      ip,
    });
    return { ok: true as const, changed: true };
  });
  if (!result.ok && result.status === 401) await auditRefusal(db, userId, result, { policyId, ...audit });
  return result;
}

/** Edit: only the name, workflow file, environment, scopes and subjects can change (not owner, provider or repository). */
export async function editPolicy(db: Db, userId: string, policyId: string, input: PolicyInput, opts: Options = {}) {
  const now = opts.now ?? new Date();
  const result = await update(
    db,
    userId,
    policyId,
    (current) => {
      const criteria = checkCriteria({ ...input, repositoryOwner: current.criteria.owner, repository: current.criteria.repository });
      const scopes = checkScopes(input.policyScopes, input.policySubjects);
      const name = policyNameOf(input.policyName, criteria.ok ? criteria.workflow : "");
      if (!name.ok) return refuse(401, null, { policyName: name.error });
      if (!criteria.ok) return refuse(400, null, criteria.errors);
      if (!scopes.ok) return refuse(400, null, { [scopes.field]: scopes.error });
      const c = current.criteria;
      return {
        name: name.name,
        criteria: withValidity({ ...c, workflow: criteria.workflow, environment: criteria.environment }, now),
        actions: scopes.actions,
        subjects: scopes.subjects,
      };
    },
    { action: "edit" },
  );
  if (!result.ok && result.status === 400 && result.fieldErrors) await auditRefusal(db, userId, result, { policyId });
  return result;
}

/**
 * "Activate for 7 days": the update with every value unchanged, which restarts a temporary
 * policy's window (also after it lapsed). Within the same hour the date is the same: a no-op.
 */
export async function activatePolicy(db: Db, userId: string, policyId: string, opts: Options = {}) {
  const now = opts.now ?? new Date();
  return update(
    db,
    userId,
    policyId,
    (current) => ({ name: current.name, criteria: withValidity(current.criteria, now), actions: current.actions, subjects: current.subjects }),
    { action: "activate" },
  );
}

export async function deletePolicy(db: Db, userId: string, policyId: string): Promise<{ ok: true } | PolicyRefusal> {
  const guard = await ownPolicy(db, userId, policyId);
  if (guard) return guard;
  const ip = await requestIp();
  return db.$transaction(async (tx) => {
    // a write first, as in update()
    const { count: found } = await tx.trustedPublishingPolicy.updateMany({ where: { id: policyId, createdById: userId }, data: { provider: PROVIDER } });
    const row = found === 1 ? await tx.trustedPublishingPolicy.findFirst({ where: { id: policyId, createdById: userId }, select }) : null;
    if (!row) return refuse(400, TP_MESSAGES.unknownPolicy);
    const keys = await tx.apiKey.findMany({ where: { policyId }, select: { id: true } });
    await tx.apiKey.deleteMany({ where: { policyId } });
    const { count } = await tx.trustedPublishingPolicy.deleteMany({ where: { id: policyId, createdById: userId } });
    if (count !== 1) return refuse(400, TP_MESSAGES.unknownPolicy);
    await writeAudit(tx, {
      actorId: userId,
      action: "PolicyDelete",
      target: policyId,
      details: auditDetails(toView(row, true), { deletedKeys: keys.map((k) => k.id) }),
      ip,
    });
    return { ok: true as const };
  });
}
