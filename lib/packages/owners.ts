// Package owners data layer (nuget.org's JsonApiController owner actions, PackagesController's
// ownership-request links, PackageOwnershipManagementService; spec organizations.md §10):
//
//   viewPackageOwners(db, userId, id)                   the Manage page's owners, with markers
//   addPackageOwner(db, actorId, id, username, message, origin)
//       immediate when the new owner is the actor or an organization the actor administers
//       (every other owner mailed "package ownership update"); otherwise a pending request
//       mailed to the new owner (a user, or each administrator of an organization)
//   removePackageOwner(db, actorId, id, username)       a pending owner: cancels the request
//   answerOwnershipRequest(db, actorId, id, username, token, accept, origin)
//       the new owner, or an administrator of the organization asked
//   cancelOwnershipRequest(db, actorId, id, username, token)   from the requester's mailed link
//   listReceivedOwnershipRequests(db, userId)           Manage Packages' received requests
//
// Who may manage owners (ManagePackageOwnership): an owner, or an administrator of an
// organization that owns the package. Collaborators may not. Every change runs in a
// transaction whose first statement writes the registration's row (a row lock on PostgreSQL,
// the write lock on SQLite), so the owner and request limits and "already an owner or pending"
// hold under concurrent adds. Mailed tokens are stored as their SHA-256 only.
import "server-only";
import { randomBytes } from "node:crypto";
import type { Db, DbTransaction } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { hashToken } from "@/lib/accounts/email-tokens";
import { env } from "@/lib/env";
import { logError } from "@/lib/log";
import { sendMail, type Mail } from "@/lib/mail/mailer";
import { packageIdKey } from "@/lib/nuget/package-id";
import * as mails from "./owner-mails";
import { OWNER_MESSAGES as M, looksLikeEmail, namespaceCandidates } from "./owner-rules";

export type OwnerRefusal = { ok: false; error: string };
type OwnerResult<T> = ({ ok: true } & T) | OwnerRefusal;
type Tx = Db | DbTransaction;

const refuse = (error: string): OwnerRefusal => ({ ok: false, error });

/** Thrown inside a transaction to roll it back with a refusal. */
class Refused extends Error {
  constructor(readonly refusal: OwnerRefusal) {
    super(refusal.error);
  }
}

const text = (v: unknown, max = 256) => (typeof v === "string" ? v.trim().slice(0, max) : "");

interface Registration {
  id: string;
  packageId: string;
  idKey: string;
}

async function findRegistration(db: Tx, packageId: unknown): Promise<Registration | null> {
  const id = text(packageId, 200);
  if (!id) return null;
  return db.packageRegistration.findUnique({ where: { idKey: packageIdKey(id) }, select: { id: true, packageId: true, idKey: true } });
}

/** A person's row: sessions name people only, but ids are re-checked. */
function findPerson(db: Tx, id: string) {
  return db.user.findFirst({ where: { id, isOrganization: false, deletedAt: null }, select: { id: true, username: true, locked: true } });
}

interface Account {
  id: string;
  username: string;
  email: string;
  isOrganization: boolean;
  emailAllowed: boolean;
  emailConfirmedAt: Date | null;
  locked: boolean;
}
const ACCOUNT = { id: true, username: true, email: true, isOrganization: true, emailAllowed: true, emailConfirmedAt: true, locked: true } as const;

function findAccount(db: Tx, username: string): Promise<Account | null> {
  if (!username) return Promise.resolve(null);
  return db.user.findFirst({ where: { usernameKey: username.toLowerCase(), deletedAt: null }, select: ACCOUNT });
}

interface Access {
  ownerIds: string[];
  isOwner: boolean;
  /** owning organizations the user administers */
  adminOf: Set<string>;
  /** ManagePackageOwnership */
  canManage: boolean;
  /** an owner, or a member (either role) of an owning organization */
  related: boolean;
}

async function accessOf(db: Tx, userId: string, registrationId: string): Promise<Access> {
  const ownerIds = (await db.packageOwner.findMany({ where: { registrationId }, select: { userId: true } })).map((o) => o.userId);
  const memberships = await db.membership.findMany({ where: { memberId: userId, organizationId: { in: ownerIds } }, select: { organizationId: true, isAdmin: true } });
  const adminOf = new Set(memberships.filter((m) => m.isAdmin).map((m) => m.organizationId));
  const isOwner = ownerIds.includes(userId);
  return { ownerIds, isOwner, adminOf, canManage: isOwner || adminOf.size > 0, related: isOwner || memberships.length > 0 };
}

async function isAdminOf(db: Tx, organizationId: string, userId: string): Promise<boolean> {
  const m = await db.membership.findUnique({ where: { organizationId_memberId: { organizationId, memberId: userId } }, select: { isAdmin: true } });
  return m?.isAdmin === true;
}

/** The accounts (users or organizations) holding a reservation that matches the id. */
async function namespaceHolders(db: Tx, packageId: string): Promise<Set<string>> {
  const rows = await db.reservedNamespaceOwner.findMany({
    where: { namespace: { OR: [{ isPrefix: true, valueKey: { in: namespaceCandidates(packageId) } }, { isPrefix: false, valueKey: packageId.toLowerCase() }] } },
    select: { userId: true },
  });
  return new Set(rows.map((r) => r.userId));
}

/** RemovePackageFromReservedNamespace on behalf of any account: the user holds one, or administers an organization that does. */
async function actsForHolder(db: Tx, userId: string, holders: Set<string>): Promise<boolean> {
  if (holders.has(userId)) return true;
  if (holders.size === 0) return false;
  return (await db.membership.count({ where: { memberId: userId, isAdmin: true, organizationId: { in: [...holders] } } })) > 0;
}

/**
 * Who reads an owner's mail (GalleryEmailRecipientsUtility with HandlePackageOwnershipRequest):
 * a user's own address; for an organization, each administrator who allows mail.
 */
async function recipients(db: Db, accountIds: string[]): Promise<Map<string, string[]>> {
  const accounts = await db.user.findMany({
    where: { id: { in: accountIds } },
    select: { id: true, email: true, isOrganization: true, members: { where: { isAdmin: true, member: { emailAllowed: true } }, select: { member: { select: { email: true } } } } },
  });
  return new Map(accounts.map((a) => [a.id, a.isOrganization ? a.members.map((m) => m.member.email) : [a.email]]));
}

async function send(list: Mail[]): Promise<void> {
  for (const mail of list) {
    try {
      await sendMail(mail);
    } catch (e) {
      // the change is committed; a mail outage must not turn it into an error
      logError("[package owners] mail failed", e);
    }
  }
}

/** Runs `work` in a transaction that holds the registration's row first (see the header). */
async function withRegistrationLocked<T>(db: Db, reg: Registration, work: (tx: DbTransaction) => Promise<T>): Promise<T | OwnerRefusal> {
  try {
    return await db.$transaction(async (tx) => {
      // a write that changes nothing but takes the lock before anything is read
      await tx.packageRegistration.updateMany({ where: { id: reg.id }, data: { idKey: reg.idKey } });
      return work(tx);
    });
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

/** nuget.org's AddPackageOwnerTask: the owner row, the verified tick when they hold a matching reservation, the request gone. */
async function addOwnerRow(tx: DbTransaction, reg: Registration, ownerId: string, actorId: string, owner: string, ip: string | null) {
  await tx.packageOwner.create({ data: { registrationId: reg.id, userId: ownerId } });
  await tx.packageOwnerRequest.deleteMany({ where: { registrationId: reg.id, newOwnerId: ownerId } });
  if ((await namespaceHolders(tx, reg.packageId)).has(ownerId)) await tx.packageRegistration.update({ where: { id: reg.id }, data: { verified: true } });
  await writeAudit(tx, { actorId, action: "AddOwner", target: reg.packageId, details: { owner }, ip });
}

const limits = () => ({ maxOwners: env().MAX_PACKAGE_OWNERS, maxRequests: env().MAX_PACKAGE_OWNER_REQUESTS });

export interface OwnerRow {
  username: string;
  isOrganization: boolean;
  pending: boolean;
  /** "(that's you)" */
  isYou: boolean;
  /** "(your organization)": an owning organization the viewer administers */
  isYourOrganization: boolean;
  /** holds a reservation matching the id */
  isNamespaceOwner: boolean;
  /** page-manage-owners.js's IsAllowedToRemove */
  removable: boolean;
  /** the only owner giving the viewer the right to manage owners */
  onlyAccess: boolean;
}

export interface PackageOwnersView {
  packageId: string;
  canManage: boolean;
  /** empty unless canManage */
  owners: OwnerRow[];
}

/**
 * The Manage page's owners section. null = no such package, or the viewer is neither an owner
 * nor a member of an owning organization (the page answers 404 for both alike).
 */
export async function viewPackageOwners(db: Db, userId: string, packageId: string): Promise<PackageOwnersView | null> {
  const [reg, viewer] = await Promise.all([findRegistration(db, packageId), findPerson(db, userId)]);
  if (!reg || !viewer) return null;
  const access = await accessOf(db, viewer.id, reg.id);
  if (!access.related) return null;
  if (!access.canManage) return { packageId: reg.packageId, canManage: false, owners: [] };
  const [owners, requests, holders] = await Promise.all([
    db.packageOwner.findMany({ where: { registrationId: reg.id }, select: { user: { select: { id: true, username: true, isOrganization: true } } } }),
    db.packageOwnerRequest.findMany({ where: { registrationId: reg.id }, orderBy: [{ requestedAt: "asc" }, { id: "asc" }], select: { newOwner: { select: { username: true, isOrganization: true } } } }),
    namespaceHolders(db, reg.packageId),
  ]);
  const grants = (id: string) => id === viewer.id || access.adminOf.has(id);
  const grantCount = owners.filter((o) => grants(o.user.id)).length;
  const namespaceOwners = owners.filter((o) => holders.has(o.user.id)).length;
  const viewerHolds = owners.some((o) => grants(o.user.id) && holders.has(o.user.id));
  const current = owners
    .map(({ user }) => {
      const isNamespaceOwner = holders.has(user.id);
      return {
        username: user.username,
        isOrganization: user.isOrganization,
        pending: false,
        isYou: user.id === viewer.id,
        isYourOrganization: access.adminOf.has(user.id),
        isNamespaceOwner,
        removable: owners.length >= 2 && (!isNamespaceOwner || (viewerHolds && namespaceOwners >= 2)),
        onlyAccess: grants(user.id) && grantCount < 2,
      };
    })
    // nuget.org lists the reservation holders first
    .sort((a, b) => Number(b.isNamespaceOwner) - Number(a.isNamespaceOwner) || a.username.localeCompare(b.username));
  const pending = requests.map(({ newOwner }) => ({
    username: newOwner.username,
    isOrganization: newOwner.isOrganization,
    pending: true,
    isYou: false,
    isYourOrganization: false,
    isNamespaceOwner: false,
    removable: true,
    onlyAccess: false,
  }));
  return { packageId: reg.packageId, canManage: true, owners: [...current, ...pending] };
}

/** The owner checks nuget.org makes before adding or removing (TryGetManagePackageOwnerModel), in its order. */
async function checkParties(db: Db, actorId: string, packageId: unknown, username: string) {
  const reg = await findRegistration(db, packageId);
  if (!reg) return refuse(M.packageNotFound);
  const actor = await findPerson(db, actorId);
  if (!actor) return refuse(M.currentUserNotFound);
  if (actor.locked) return refuse(M.userLocked);
  if (!(await accessOf(db, actor.id, reg.id)).canManage) return refuse(M.notPackageOwner);
  const target = await findAccount(db, username);
  if (!target) return refuse(M.ownerNotFound);
  if (!target.emailConfirmedAt) return refuse(M.ownerUnconfirmed(username));
  if (target.locked) return refuse(M.accountLocked(username));
  return { ok: true as const, reg, actor, target };
}

/** nuget.org's AddPackageOwner. `token` is returned for tests (it is mailed, never stored). */
export async function addPackageOwner(
  db: Db,
  actorId: string,
  packageId: unknown,
  username: unknown,
  message: unknown,
  origin: string,
  ip: string | null = null,
): Promise<OwnerResult<{ owner: { username: string; pending: boolean }; token: string | null }>> {
  const name = text(username);
  if (looksLikeEmail(name)) return refuse(M.nameIsEmail);
  const parties = await checkParties(db, actorId, packageId, name);
  if (!parties.ok) return parties;
  const { reg, actor, target } = parties;
  const note = text(message, 4000) || null;
  const requestToken = randomBytes(16).toString("base64url");
  const { maxOwners, maxRequests } = limits();
  const result = await withRegistrationLocked(db, reg, async (tx) => {
    // CurrentUserCanAcceptOnBehalfOfUser: yourself, or an organization you administer (read under the lock)
    const immediate = target.id === actor.id || (target.isOrganization && (await isAdminOf(tx, target.id, actor.id)));
    const access = await accessOf(tx, actor.id, reg.id);
    if (!access.canManage) throw new Refused(refuse(M.notPackageOwner));
    const pending = await tx.packageOwnerRequest.count({ where: { registrationId: reg.id, newOwnerId: target.id } });
    if (access.ownerIds.includes(target.id) || pending > 0) throw new Refused(refuse(M.alreadyOwner(name)));
    if (access.ownerIds.length >= maxOwners) throw new Refused(refuse(M.maxOwners(maxOwners)));
    if (immediate) {
      await addOwnerRow(tx, reg, target.id, actor.id, target.username, ip);
    } else {
      if ((await tx.packageOwnerRequest.count({ where: { registrationId: reg.id } })) >= maxRequests) throw new Refused(refuse(M.maxRequests(maxRequests)));
      await tx.packageOwnerRequest.create({ data: { registrationId: reg.id, newOwnerId: target.id, requestingOwnerId: actor.id, message: note, tokenHash: hashToken(requestToken) } });
    }
    return { ok: true as const, others: access.ownerIds, immediate };
  });
  if (!result.ok) return result;
  const { immediate } = result;
  const token = immediate ? null : requestToken;
  const to = await recipients(db, [target.id, ...result.others]);
  const each = (ids: string[]) => ids.flatMap((id) => to.get(id) ?? []);
  if (immediate) {
    await send(each(result.others).map((address) => mails.ownerAddedMail(address, { packageId: reg.packageId, newOwner: target.username, origin })));
  } else {
    const about = { from: actor.username, packageId: reg.packageId, newOwner: target.username, origin, token: token! };
    await send([
      ...each([target.id]).map((address) => mails.ownershipRequestMail(address, { ...about, toOrganization: target.isOrganization, message: note })),
      ...each(result.others).map((address) => mails.ownershipRequestInitiatedMail(address, about)),
    ]);
  }
  return { ok: true, owner: { username: target.username, pending: !immediate }, token };
}

/**
 * nuget.org's RemovePackageOwner: a pending owner's request is cancelled (and they are told);
 * a real owner is removed unless they are the only one, or hold a matching reservation the
 * actor does not. `lostAccess`: the actor can no longer manage this package's owners.
 */
export async function removePackageOwner(
  db: Db,
  actorId: string,
  packageId: unknown,
  username: unknown,
  ip: string | null = null,
): Promise<OwnerResult<{ cancelled: boolean; lostAccess: boolean }>> {
  const name = text(username);
  const parties = await checkParties(db, actorId, packageId, name);
  if (!parties.ok) return parties;
  const { reg, actor, target } = parties;
  const result = await withRegistrationLocked(db, reg, async (tx) => {
    const access = await accessOf(tx, actor.id, reg.id);
    if (!access.canManage) throw new Refused(refuse(M.notPackageOwner));
    const request = await tx.packageOwnerRequest.deleteMany({ where: { registrationId: reg.id, newOwnerId: target.id } });
    if (request.count > 0) return { ok: true as const, cancelled: true, lostAccess: false };
    if (!access.ownerIds.includes(target.id)) throw new Refused(refuse(M.notOwner(name)));
    if (access.ownerIds.length === 1) throw new Refused(refuse(M.onlyOwner));
    const holders = await namespaceHolders(tx, reg.packageId);
    if (holders.has(target.id) && !(await actsForHolder(tx, actor.id, holders))) throw new Refused(refuse(M.removeNotAllowed(actor.username, target.username)));
    await tx.packageOwner.delete({ where: { registrationId_userId: { registrationId: reg.id, userId: target.id } } });
    const remaining = access.ownerIds.filter((id) => id !== target.id);
    // the verified tick stays while another owner holds a matching reservation
    if (holders.has(target.id)) await tx.packageRegistration.update({ where: { id: reg.id }, data: { verified: remaining.some((id) => holders.has(id)) } });
    await writeAudit(tx, { actorId: actor.id, action: "RemoveOwner", target: reg.packageId, details: { owner: target.username }, ip });
    const lostAccess = !remaining.includes(actor.id) && !remaining.some((id) => access.adminOf.has(id));
    return { ok: true as const, cancelled: false, lostAccess };
  });
  if (!result.ok) return result;
  const about = { from: actor.username, packageId: reg.packageId, toOrganization: target.isOrganization };
  const to = (await recipients(db, [target.id])).get(target.id) ?? [];
  await send(to.map((address) => (result.cancelled ? mails.ownershipRequestCancelledMail(address, about) : mails.ownerRemovedMail(address, about))));
  return result;
}

/**
 * How the new owner answers: with the token from the mailed link, or (FROM_ACCOUNT_PAGE) from
 * their Manage Packages page, where the session alone proves who they are (only the token's hash
 * is stored, so that page cannot carry it as nuget.org's does).
 */
export const FROM_ACCOUNT_PAGE = Symbol("from the new owner's Manage Packages page");
type Answer = string | typeof FROM_ACCOUNT_PAGE;

/** nuget.org's HandleOwnershipRequest: the new owner, or an administrator of the organization asked. */
export async function answerOwnershipRequest(
  db: Db,
  actorId: string,
  packageId: unknown,
  username: unknown,
  token: Answer,
  accept: boolean,
  origin: string,
  ip: string | null = null,
): Promise<OwnerResult<{ packageId: string; owner: string }>> {
  const name = text(username);
  const actor = await findPerson(db, actorId);
  if (!actor) return refuse(M.currentUserNotFound);
  const target = await findAccount(db, name);
  // HandlePackageOwnershipRequest
  if (!target || !(target.id === actor.id || (target.isOrganization && (await isAdminOf(db, target.id, actor.id))))) return refuse(M.notYourRequest(name));
  const reg = await findRegistration(db, packageId);
  if (typeof token === "string" && (!token || token.length > 200)) return refuse(M.requestNotFound);
  if (!reg) return refuse(M.requestNotFound);
  const { maxOwners } = limits();
  const result = await withRegistrationLocked(db, reg, async (tx) => {
    const where = { registrationId: reg.id, newOwnerId: target.id, ...(token === FROM_ACCOUNT_PAGE ? {} : { tokenHash: hashToken(token) }) };
    const request = await tx.packageOwnerRequest.findFirst({ where, select: { id: true, requestingOwnerId: true } });
    if (!request) throw new Refused(refuse(M.requestNotFound));
    const owners = (await tx.packageOwner.findMany({ where: { registrationId: reg.id }, select: { userId: true } })).map((o) => o.userId);
    if (!accept) {
      await tx.packageOwnerRequest.delete({ where: { id: request.id } });
      return { ok: true as const, requestingOwnerId: request.requestingOwnerId, others: owners };
    }
    if (owners.includes(target.id)) {
      // already an owner: the stale request goes
      await tx.packageOwnerRequest.delete({ where: { id: request.id } });
      return { ok: true as const, requestingOwnerId: request.requestingOwnerId, others: [] };
    }
    if (owners.length >= maxOwners) throw new Refused(refuse(M.maxOwners(maxOwners)));
    await addOwnerRow(tx, reg, target.id, actor.id, target.username, ip);
    return { ok: true as const, requestingOwnerId: request.requestingOwnerId, others: owners };
  });
  if (!result.ok) return result;
  if (accept) {
    const to = await recipients(db, result.others);
    await send(result.others.flatMap((id) => to.get(id) ?? []).map((address) => mails.ownerAddedMail(address, { packageId: reg.packageId, newOwner: target.username, origin })));
  } else {
    const requester = await db.user.findFirst({ where: { id: result.requestingOwnerId, emailAllowed: true }, select: { email: true, isOrganization: true } });
    if (requester) await send([mails.ownershipRequestDeclinedMail(requester.email, { newOwner: target.username, packageId: reg.packageId, fromOrganization: requester.isOrganization })]);
  }
  return { ok: true, packageId: reg.packageId, owner: target.username };
}

/** The cancel link of the "request initiated" mail: anyone who may manage the owners, with the request's token. */
export async function cancelOwnershipRequest(
  db: Db,
  actorId: string,
  packageId: unknown,
  username: unknown,
  token: string,
): Promise<OwnerResult<{ packageId: string; owner: string }>> {
  const name = text(username);
  const [reg, actor] = await Promise.all([findRegistration(db, packageId), findPerson(db, actorId)]);
  if (!reg) return refuse(M.packageNotFound);
  if (!actor) return refuse(M.currentUserNotFound);
  const target = await findAccount(db, name);
  if (typeof token !== "string" || !token || token.length > 200 || !target) return refuse(M.requestNotFound);
  const result = await withRegistrationLocked(db, reg, async (tx) => {
    if (!(await accessOf(tx, actor.id, reg.id)).canManage) throw new Refused(refuse(M.notPackageOwner));
    const gone = await tx.packageOwnerRequest.deleteMany({ where: { registrationId: reg.id, newOwnerId: target.id, tokenHash: hashToken(token) } });
    if (gone.count !== 1) throw new Refused(refuse(M.requestNotFound));
    return { ok: true as const };
  });
  if (!result.ok) return result;
  const to = (await recipients(db, [target.id])).get(target.id) ?? [];
  await send(to.map((address) => mails.ownershipRequestCancelledMail(address, { from: actor.username, packageId: reg.packageId, toOrganization: target.isOrganization })));
  return { ok: true, packageId: reg.packageId, owner: target.username };
}

export interface ReceivedRequest {
  packageId: string;
  /** the account asked: the user, or an organization they administer */
  owner: string;
  isOrganization: boolean;
  requestedBy: string;
  requestedAt: Date;
}

/** Manage Packages' received requests: to the user, or to an organization they administer. One query. */
export async function listReceivedOwnershipRequests(db: Db, userId: string): Promise<ReceivedRequest[]> {
  const rows = await db.packageOwnerRequest.findMany({
    where: { OR: [{ newOwnerId: userId, newOwner: { isOrganization: false } }, { newOwner: { isOrganization: true, members: { some: { memberId: userId, isAdmin: true } } } }] },
    orderBy: [{ requestedAt: "asc" }, { id: "asc" }],
    take: 500,
    select: { requestedAt: true, registration: { select: { packageId: true } }, newOwner: { select: { username: true, isOrganization: true } }, requestingOwner: { select: { username: true } } },
  });
  return rows.map((r) => ({ packageId: r.registration.packageId, owner: r.newOwner.username, isOrganization: r.newOwner.isOrganization, requestedBy: r.requestingOwner.username, requestedAt: r.requestedAt }));
}
