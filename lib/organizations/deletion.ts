// Deleting an organization (nuget.org's OrganizationsController.RequestAccountDeletion and
// DeleteAccountService; spec organizations.md §12). Administrators only: anyone else, and any
// name that is not a live organization, gets "not found" (nuget.org's 404).
//
// Blockers, re-checked inside the transaction that deletes: a package the organization owns
// alone, and any member besides the administrator deleting it. The effects, in one transaction
// holding the organization's row: its package ownerships (each co-owned package's verified tick
// re-derived from the owners left), its reserved-prefix ownerships (a reservation it alone held
// is deleted), memberships and invitations, package owner requests to or from it, its
// confirmation tokens, and every API key whose owner it is, whoever made it. A confirmed
// organization is then soft-deleted (deletedAt; the name stays taken for good, the address is
// released); an unconfirmed one is deleted outright, so its name can be registered again.
import "server-only";
import type { Db, DbTransaction } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";

export const DELETE_MESSAGES = {
  soleOwner: "You cannot delete your organization unless you transfer ownership of all of its packages to another account.",
  otherMembers: "You cannot delete your organization unless you remove all other members.",
  failed: (name: string) => `There was an issue deleting your organization '${name}'. Please contact support for assistance.`,
  deleted: (name: string) => `Your organization, '${name}', was successfully deleted!`,
} as const;

/** How long after a deletion Manage Organizations still shows its success message. */
const FLASH_MS = 10 * 60_000;

async function findAdministered(db: Db | DbTransaction, userId: string, name: unknown) {
  if (typeof name !== "string" || name.length > 200) return null;
  const org = await db.user.findFirst({
    where: { usernameKey: name.trim().toLowerCase(), isOrganization: true, deletedAt: null },
    select: { id: true, username: true, emailConfirmedAt: true },
  });
  if (!org) return null;
  const membership = await db.membership.findFirst({ where: { organizationId: org.id, memberId: userId, isAdmin: true, member: { isOrganization: false } }, select: { memberId: true } });
  return membership ? org : null;
}

async function blockers(db: Db | DbTransaction, orgId: string, userId: string) {
  const [owned, others] = await Promise.all([
    db.packageRegistration.findMany({
      where: { owners: { some: { userId: orgId } } },
      orderBy: { idKey: "asc" },
      select: { packageId: true, _count: { select: { owners: true } } },
    }),
    db.membership.findMany({
      where: { organizationId: orgId, memberId: { not: userId } },
      orderBy: [{ createdAt: "asc" }, { memberId: "asc" }],
      select: { isAdmin: true, member: { select: { username: true } } },
    }),
  ]);
  return {
    soleOwnedPackages: owned.filter((r) => r._count.owners === 1).map((r) => r.packageId),
    otherMembers: others.map((m) => ({ username: m.member.username, isAdmin: m.isAdmin })),
  };
}

export interface DeleteRequestView {
  username: string;
  soleOwnedPackages: string[];
  otherMembers: { username: string; isAdmin: boolean }[];
}

/** GET /organization/{name}/DeleteRequest: null (404) unless the user administers the organization. */
export async function deleteRequestView(db: Db, userId: string, name: unknown): Promise<DeleteRequestView | null> {
  const org = await findAdministered(db, userId, name);
  if (!org) return null;
  return { username: org.username, ...(await blockers(db, org.id, userId)) };
}

export type DeleteResult = { ok: true; organization: string; soft: boolean } | { ok: false; status: 404 } | { ok: false; status: 400; error: string };

class Blocked extends Error {
  constructor(readonly result: DeleteResult) {
    super("blocked");
  }
}

/** Whether a reserved namespace covers a package id (prefix: starts with; else the exact id), ignoring case. */
function covers(ns: { valueKey: string; isPrefix: boolean }, idKey: string): boolean {
  return ns.isPrefix ? idKey.startsWith(ns.valueKey) : idKey === ns.valueKey;
}

/** POST /organization/{name}/RequestAccountDeletion. */
export async function deleteOrganization(db: Db, userId: string, name: unknown, ip: string | null = null, now = new Date()): Promise<DeleteResult> {
  const org = await findAdministered(db, userId, name);
  if (!org) return { ok: false, status: 404 };
  try {
    return await db.$transaction(async (tx) => {
      // hold the organization's row first: an invitation accepted or a push made meanwhile waits
      await tx.user.updateMany({ where: { id: org.id, deletedAt: null }, data: { isOrganization: true } });
      if (!(await findAdministered(tx, userId, org.username))) throw new Blocked({ ok: false, status: 404 });
      const blocked = await blockers(tx, org.id, userId);
      if (blocked.soleOwnedPackages.length > 0) throw new Blocked({ ok: false, status: 400, error: DELETE_MESSAGES.soleOwner });
      if (blocked.otherMembers.length > 0) throw new Blocked({ ok: false, status: 400, error: DELETE_MESSAGES.otherMembers });

      const coOwned = await tx.packageOwner.findMany({ where: { userId: org.id }, select: { registrationId: true, registration: { select: { idKey: true } } } });
      await tx.packageOwner.deleteMany({ where: { userId: org.id } });
      const reservations = await tx.reservedNamespaceOwner.findMany({ where: { userId: org.id }, select: { namespaceId: true, namespace: { select: { _count: { select: { owners: true } } } } } });
      await tx.reservedNamespace.deleteMany({ where: { id: { in: reservations.filter((r) => r.namespace._count.owners === 1).map((r) => r.namespaceId) } } });
      await tx.reservedNamespaceOwner.deleteMany({ where: { userId: org.id } });
      // a co-owned package stays verified only if an owner left holds a reservation covering it
      for (const { registrationId, registration } of coOwned) {
        const held = await tx.reservedNamespaceOwner.findMany({
          where: { user: { packages: { some: { registrationId } } } },
          select: { namespace: { select: { valueKey: true, isPrefix: true } } },
        });
        await tx.packageRegistration.update({ where: { id: registrationId }, data: { verified: held.some((h) => covers(h.namespace, registration.idKey)) } });
      }
      await tx.membershipRequest.deleteMany({ where: { organizationId: org.id } });
      await tx.membership.deleteMany({ where: { organizationId: org.id } });
      await tx.packageOwnerRequest.deleteMany({ where: { OR: [{ newOwnerId: org.id }, { requestingOwnerId: org.id }] } });
      await tx.organizationMigrationRequest.deleteMany({ where: { OR: [{ accountId: org.id }, { adminUserId: org.id }] } });
      await tx.emailToken.deleteMany({ where: { userId: org.id } });
      const keys = await tx.apiKey.deleteMany({ where: { OR: [{ ownerId: org.id }, { userId: org.id }] } });
      const soft = org.emailConfirmedAt !== null;
      await writeAudit(tx, { actorId: userId, action: "DeleteAccount", target: org.username, details: { organization: true, soft, apiKeysDeleted: keys.count }, ip });
      if (soft) {
        await tx.user.update({
          where: { id: org.id },
          // the address is released (nuget.org clears it); the name never is
          data: { deletedAt: now, email: `deleted-${org.id}@deleted.invalid`, pendingEmail: null, emailAllowed: false, notifyPackagePushed: false },
        });
      } else {
        await tx.user.delete({ where: { id: org.id } });
      }
      return { ok: true as const, organization: org.username, soft };
    });
  } catch (e) {
    if (e instanceof Blocked) return e.result;
    throw e;
  }
}

/**
 * The success message for Manage Organizations (nuget.org's TempData), shown only when the
 * audit says this user deleted that organization in the last minutes: a crafted link cannot
 * make the page claim a deletion that did not happen.
 */
export async function deletionFlash(db: Db, userId: string, name: unknown, now = new Date()): Promise<string | null> {
  if (typeof name !== "string" || name.length === 0 || name.length > 200) return null;
  const record = await db.auditRecord.findFirst({
    where: { actorId: userId, action: "DeleteAccount", target: name, createdAt: { gt: new Date(now.getTime() - FLASH_MS) } },
    select: { id: true },
  });
  return record ? DELETE_MESSAGES.deleted(name) : null;
}
