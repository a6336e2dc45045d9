// An organization's API keys, for its administrators (beyond nuget.org: NuGetGallery#8019 and
// #5756, spec organizations.md §16): every key whose scope owner is the organization, whoever
// made it, and an administrator's revoke.
//
//   listOrganizationKeys(db, actorId, orgName) → {organization, keys} | null
//     null unless the actor is an Administrator of that organization (a collaborator, an
//     outsider and no such organization alike). One findMany; never a secret hash or lookup id.
//   revokeOrganizationKey(db, actorId, orgName, keyId, now?) → OrganizationKey | null
//     Only an active key of that organization, only by one of its Administrators, checked in
//     the same UPDATE that revokes it; revocationSource "Organization"; RevokeCredential audit;
//     the creator gets "API Key '{name}' Revoked" naming who revoked it.
import "server-only";
import type { Db } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { sendMail } from "@/lib/mail/mailer";
import { logError } from "@/lib/log";
import type { Action } from "@/lib/api-keys/scopes";
import { actionsAndSubjects } from "@/lib/api-keys/scope-rows";
import { rangesOf } from "@/lib/api-keys/address-limits";
import { organizationRevokedMail } from "@/lib/api-keys/notice-mails";

const KEY_TYPE = "apikey.v4";
export const ORGANIZATION_REVOCATION = "Organization";

export interface OrganizationKey {
  id: string;
  name: string;
  creatorUsername: string;
  /** the creator is no longer a member: the key cannot act for the organization (#5872) */
  creatorLeft: boolean;
  actions: Action[];
  subjects: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revocationSource: string | null;
  /** where a leaked key was found (lib/leaks) */
  revocationUrl: string | null;
  /** address limits (CIDR ranges); [] = anywhere */
  allowedCidrs: string[];
  /** a roll's overlap: the replaced secret works until then */
  previousValidUntil: Date | null;
  previousLastUsedAt: Date | null;
}

/** One select for the list and the revoke: the key, its creator and whether they still belong. */
const keySelect = (organizationId: string) =>
  ({
    id: true,
    name: true,
    createdAt: true,
    expiresAt: true,
    lastUsedAt: true,
    revokedAt: true,
    revocationSource: true,
    revocationUrl: true,
    allowedCidrs: true,
    previousValidUntil: true,
    previousLastUsedAt: true,
    scopes: { select: { action: true, subject: true } },
    user: { select: { username: true, email: true, memberships: { where: { organizationId }, select: { isAdmin: true } } } },
  }) as const;

type Row = {
  id: string;
  name: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revocationSource: string | null;
  revocationUrl: string | null;
  allowedCidrs: string | null;
  previousValidUntil: Date | null;
  previousLastUsedAt: Date | null;
  scopes: { action: string; subject: string }[];
  user: { username: string; email: string; memberships: { isAdmin: boolean }[] };
};

function toKey(row: Row): OrganizationKey {
  const { actions, subjects } = actionsAndSubjects(row.scopes);
  return {
    id: row.id,
    name: row.name,
    creatorUsername: row.user.username,
    creatorLeft: row.user.memberships.length === 0,
    actions,
    subjects,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
    revocationSource: row.revocationSource,
    revocationUrl: row.revocationUrl,
    allowedCidrs: rangesOf(row.allowedCidrs),
    previousValidUntil: row.previousValidUntil,
    previousLastUsedAt: row.previousLastUsedAt,
  };
}

/** The organization named, if `actorId` is a person who administers it. */
async function administered(db: Db, actorId: string, orgName: string) {
  if (typeof orgName !== "string" || orgName.length > 200 || typeof actorId !== "string") return null;
  const org = await db.user.findFirst({
    where: { usernameKey: orgName.trim().toLowerCase(), isOrganization: true, deletedAt: null },
    select: { id: true, username: true, members: { where: { memberId: actorId, isAdmin: true, member: { isOrganization: false } }, select: { member: { select: { username: true } } } } },
  });
  const admin = org?.members[0];
  return org && admin ? { id: org.id, username: org.username, adminUsername: admin.member.username } : null;
}

export async function listOrganizationKeys(
  db: Db,
  actorId: string,
  orgName: string,
): Promise<{ organization: string; keys: OrganizationKey[] } | null> {
  const org = await administered(db, actorId, orgName);
  if (!org) return null;
  const rows = await db.apiKey.findMany({
    where: { ownerId: org.id, type: KEY_TYPE },
    select: keySelect(org.id),
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
  });
  return { organization: org.username, keys: rows.map(toKey) };
}

export async function revokeOrganizationKey(
  db: Db,
  actorId: string,
  orgName: string,
  keyId: string,
  opts: { now?: Date; ip?: string | null } = {},
): Promise<OrganizationKey | null> {
  const now = opts.now ?? new Date();
  if (typeof keyId !== "string" || keyId.length === 0 || keyId.length > 64) return null;
  const org = await administered(db, actorId, orgName);
  if (!org) return null;
  const revoked = await db.$transaction(async (tx) => {
    // the administrator's role is part of the UPDATE's own condition: a role lost meanwhile revokes nothing
    const { count } = await tx.apiKey.updateMany({
      where: {
        id: keyId,
        ownerId: org.id,
        type: KEY_TYPE,
        revokedAt: null,
        expiresAt: { gt: now },
        owner: { members: { some: { memberId: actorId, isAdmin: true } } },
      },
      data: { revokedAt: now, expiresAt: now, revocationSource: ORGANIZATION_REVOCATION },
    });
    if (count !== 1) return null;
    const row = await tx.apiKey.findUniqueOrThrow({ where: { id: keyId }, select: keySelect(org.id) });
    const key = toKey(row);
    await writeAudit(tx, {
      actorId,
      action: "RevokeCredential",
      target: keyId,
      details: {
        type: KEY_TYPE,
        name: key.name,
        created: key.createdAt.toISOString(),
        expires: key.expiresAt.toISOString(),
        lastUsed: key.lastUsedAt?.toISOString() ?? null,
        revocationSource: ORGANIZATION_REVOCATION,
        source: ORGANIZATION_REVOCATION,
        owner: org.username,
        creator: key.creatorUsername,
        actions: key.actions,
        subjects: key.subjects,
      },
      ip: opts.ip ?? null,
    });
    return { key, creatorEmail: row.user.email };
  });
  if (!revoked) return null;
  try {
    await sendMail(organizationRevokedMail(revoked.creatorEmail, { keyName: revoked.key.name, org: org.username, admin: org.adminUsername }));
  } catch (e) {
    // the revoke is committed; a mail outage must not turn it into an error
    logError("[organizations] key revoked mail failed", e);
  }
  return revoked.key;
}
