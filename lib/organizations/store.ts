// Organizations data layer: creating one, and its members and invitations, with nuget.org's
// role table enforced here (OrganizationsController + UserService; spec organizations.md §6):
//
//   createOrganization(db, creatorId, {organizationName, emailAddress}, origin, ip?)
//       the creator becomes its only member, an Administrator; the org's address is unconfirmed
//       and gets "Please verify your account"; audit AddOrganization
//   inviteMember(db, actorId, org, memberName, isAdmin, origin)   administrators; confirmed org
//   acceptInvitation / declineInvitation(db, userId, org, token, …)  the invitee, with the token
//   cancelInvitation(db, actorId, org, memberName)                administrators
//   changeRole(db, actorId, org, memberName, isAdmin)             administrators; confirmed org
//   removeMember(db, actorId, org, memberName)                    administrators, or oneself (leave)
//   resendInvitation(db, actorId, org, memberName, origin)        administrators: new token, new date
//   listMemberOrganizations(db, userId)                            the orgs a user belongs to
//
// Invitations expire after ORG_INVITATION_EXPIRY_DAYS (30) from requestedAt, beyond nuget.org
// (spec §16); an administrator's "Resend" issues a new token and date. Mails honour each
// recipient's emailAllowed as nuget.org's (§13 "if EmailAllowed"); the person an administrator
// removes is mailed too (§16), whatever the setting: it is a notice about their access.
//
// Every function takes the acting person's id from the session and re-checks their role here.
// An organization always keeps an Administrator: role changes and removals run in a transaction
// that first writes the organization's row (a row lock on PostgreSQL, the write lock on SQLite),
// then re-reads the actor's role and re-counts the administrators, so two administrators
// removing each other at once leave exactly one. Expected refusals are return values with
// nuget.org's text and HTTP status; mails go out after the commit, and a mail failure is logged.
import "server-only";
import { randomBytes } from "node:crypto";
import type { Db, DbTransaction } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { hashToken } from "@/lib/accounts/email-tokens";
import { env } from "@/lib/env";
import { uniqueViolationField } from "@/lib/accounts/registration";
import { sendMail, type Mail } from "@/lib/mail/mailer";
import { logError } from "@/lib/log";
import * as mails from "./mails";
import { mailOrganizationConfirmation } from "./settings";
import { removedFromOrganizationMail } from "./settings-mails";
import { ORG_MESSAGES, type AddOrganizationInput } from "./rules";

export type OrgRefusal = { ok: false; status: 400 | 403; error: string };
type OrgResult<T> = ({ ok: true } & T) | OrgRefusal;

const refuse = (error: string, status: 400 | 403 = 400): OrgRefusal => ({ ok: false, status, error });
const NOT_AUTHORIZED = refuse(ORG_MESSAGES.notAuthorized, 403);

/** Thrown inside a transaction to roll it back with a refusal. */
class Refused extends Error {
  constructor(readonly refusal: OrgRefusal) {
    super(refusal.error);
  }
}

interface Org {
  id: string;
  username: string;
  email: string;
  confirmed: boolean;
  emailAllowed: boolean;
}

const DAY_MS = 24 * 60 * 60_000;

/** Whether an invitation made at `requestedAt` can no longer be accepted (spec §16). */
export function invitationExpired(requestedAt: Date, now = new Date(), days = env().ORG_INVITATION_EXPIRY_DAYS): boolean {
  return now.getTime() - requestedAt.getTime() >= days * DAY_MS;
}

async function findOrganization(db: Db | DbTransaction, name: string): Promise<Org | null> {
  if (typeof name !== "string" || name.length > 200) return null;
  const row = await db.user.findFirst({
    // a deleted organization is gone for everyone; only its name stays taken
    where: { usernameKey: name.trim().toLowerCase(), isOrganization: true, deletedAt: null },
    select: { id: true, username: true, email: true, emailConfirmedAt: true, emailAllowed: true },
  });
  return row && { id: row.id, username: row.username, email: row.email, confirmed: row.emailConfirmedAt !== null, emailAllowed: row.emailAllowed };
}

/** A person's row (never an organization's): sessions name people only, but ids are re-checked. */
async function findPerson(db: Db | DbTransaction, id: string) {
  return db.user.findFirst({ where: { id, isOrganization: false }, select: { id: true, username: true, usernameKey: true, email: true, emailConfirmedAt: true, locked: true } });
}

async function membershipOf(db: Db | DbTransaction, organizationId: string, memberId: string) {
  return db.membership.findUnique({ where: { organizationId_memberId: { organizationId, memberId } }, select: { isAdmin: true } });
}

/** The administrators who allow mail (nuget.org's "if EmailAllowed"). */
async function adminEmails(db: Db, organizationId: string): Promise<string[]> {
  const rows = await db.membership.findMany({ where: { organizationId, isAdmin: true, member: { emailAllowed: true } }, select: { member: { select: { email: true } } } });
  return rows.map((r) => r.member.email);
}

async function send(list: Mail[]): Promise<void> {
  for (const mail of list) {
    try {
      await sendMail(mail);
    } catch (e) {
      // the change is committed; a mail outage must not turn it into an error
      logError("[organizations] mail failed", e);
    }
  }
}

/** Runs `work` in a transaction that holds the organization's row first (see the header). */
async function withOrganizationLocked<T>(db: Db, org: Org, work: (tx: DbTransaction) => Promise<T>): Promise<T | OrgRefusal> {
  try {
    return await db.$transaction(async (tx) => {
      // a write that changes nothing but takes the lock before anything is read
      await tx.user.updateMany({ where: { id: org.id, isOrganization: true }, data: { isOrganization: true } });
      return work(tx);
    });
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

export async function createOrganization(
  db: Db,
  creatorId: string,
  input: AddOrganizationInput,
  origin: string,
  ip: string | null = null,
): Promise<OrgResult<{ organization: { id: string; username: string } }>> {
  const creator = await findPerson(db, creatorId);
  if (!creator) return NOT_AUTHORIZED;
  if (creator.locked) return refuse(ORG_MESSAGES.userLocked);
  const usernameKey = input.organizationName.toLowerCase();
  const clash = await db.user.findMany({ where: { OR: [{ usernameKey }, { email: input.emailAddress }] }, select: { usernameKey: true } });
  if (clash.some((u) => u.usernameKey === usernameKey)) return refuse(ORG_MESSAGES.nameTaken(input.organizationName));
  if (clash.length > 0) return refuse(ORG_MESSAGES.emailTaken(input.emailAddress));
  let organization: { id: string; username: string };
  try {
    organization = await db.$transaction(async (tx) => {
      const org = await tx.user.create({
        data: { username: input.organizationName, usernameKey, email: input.emailAddress, isOrganization: true },
        select: { id: true, username: true },
      });
      await tx.membership.create({ data: { organizationId: org.id, memberId: creator.id, isAdmin: true } });
      await writeAudit(tx, { actorId: creator.id, action: "AddOrganization", target: org.username, details: { email: input.emailAddress }, ip });
      return org;
    });
  } catch (e) {
    // lost a race with another account taking the name or the address
    const field = uniqueViolationField(e);
    if (field === "email") return refuse(ORG_MESSAGES.emailTaken(input.emailAddress));
    if (field) return refuse(ORG_MESSAGES.nameTaken(input.organizationName));
    throw e;
  }
  try {
    await mailOrganizationConfirmation(db, { ...organization, email: input.emailAddress, pendingEmail: null }, origin);
  } catch (e) {
    logError("[organizations] confirmation token failed", e);
  }
  return { ok: true, organization };
}

interface InvitedMember {
  username: string;
  isAdmin: boolean;
  pending: true;
}

/**
 * nuget.org's AddMember, its checks in its order. Inviting someone already invited is no error:
 * the request is kept, upgraded to Administrator when asked (never downgraded), and mailed
 * again with a new token (only the hash is stored, so the old link stops working).
 */
export async function inviteMember(
  db: Db,
  actorId: string,
  orgName: string,
  memberName: string,
  isAdmin: boolean,
  origin: string,
): Promise<OrgResult<{ member: InvitedMember; token: string }>> {
  const [actor, org] = await Promise.all([findPerson(db, actorId), findOrganization(db, orgName)]);
  if (!actor || !org || !(await membershipOf(db, org.id, actor.id))?.isAdmin) return NOT_AUTHORIZED;
  if (!org.confirmed) return refuse(ORG_MESSAGES.orgUnconfirmed);
  const name = typeof memberName === "string" ? memberName.trim().slice(0, 256) : "";
  if (!name) return refuse("You must specify a user to add as a member.");
  const member = await db.user.findUnique({
    where: { usernameKey: name.toLowerCase() },
    select: { id: true, username: true, email: true, emailConfirmedAt: true, isOrganization: true, emailAllowed: true, deletedAt: true },
  });
  if (member && (await membershipOf(db, org.id, member.id))) return refuse(ORG_MESSAGES.alreadyMember(member.username));
  const pending = member ? await db.membershipRequest.findUnique({ where: { organizationId_newMemberId: { organizationId: org.id, newMemberId: member.id } }, select: { isAdmin: true } }) : null;
  if (!pending) {
    if (name.includes("@")) return refuse(ORG_MESSAGES.memberByEmail);
    if (!member || member.deletedAt) return refuse(ORG_MESSAGES.unknownUser(name));
    if (!member.emailConfirmedAt) return refuse(ORG_MESSAGES.userUnconfirmed(member.username));
    if (member.isOrganization) return refuse(ORG_MESSAGES.memberIsOrganization(member.username));
  }
  const invitee = member!;
  const token = randomBytes(16).toString("base64url");
  const request = await db.membershipRequest.upsert({
    where: { organizationId_newMemberId: { organizationId: org.id, newMemberId: invitee.id } },
    create: { organizationId: org.id, newMemberId: invitee.id, isAdmin, tokenHash: hashToken(token) },
    // a new mail, a new token and a new date: the invitation's 30 days start again
    update: { tokenHash: hashToken(token), requestedAt: new Date(), ...(isAdmin ? { isAdmin: true } : {}) },
    select: { isAdmin: true },
  });
  const about = { org: org.username, admin: actor.username, member: invitee.username, isAdmin: request.isAdmin };
  await send([
    ...(invitee.emailAllowed ? [mails.invitationMail(invitee.email, { ...about, origin, token })] : []),
    ...(await adminEmails(db, org.id)).map((to) => mails.invitationNoticeMail(to, about)),
  ]);
  return { ok: true, member: { username: invitee.username, isAdmin: request.isAdmin, pending: true }, token };
}

/**
 * How the invitee answers: with the token from the mailed link, or (FROM_ACCOUNT_PAGE) from
 * their own Manage Organizations page, where the session alone proves who they are. nuget.org
 * puts the stored token in that page's forms; only its hash is stored here.
 */
export const FROM_ACCOUNT_PAGE = Symbol("from the invitee's Manage Organizations page");
type Answer = string | typeof FROM_ACCOUNT_PAGE;

/** The invitee's own request, matched by the token from the mail; null = no such request. */
async function requestFor(db: Db, userId: string, org: Org | null, token: Answer) {
  if (!org) return null;
  if (token === FROM_ACCOUNT_PAGE) {
    return db.membershipRequest.findUnique({ where: { organizationId_newMemberId: { organizationId: org.id, newMemberId: userId } }, select: { isAdmin: true, tokenHash: true, requestedAt: true } });
  }
  if (typeof token !== "string" || token.length > 200) return null;
  return db.membershipRequest.findFirst({ where: { organizationId: org.id, newMemberId: userId, tokenHash: hashToken(token) }, select: { isAdmin: true, tokenHash: true, requestedAt: true } });
}

/** nuget.org's ConfirmMemberRequestAsync: only the invitee, with the mailed token. */
export async function acceptInvitation(
  db: Db,
  userId: string,
  orgName: string,
  token: Answer,
  ip: string | null = null,
): Promise<OrgResult<{ organization: string; isAdmin: boolean }>> {
  const [user, org] = await Promise.all([findPerson(db, userId), findOrganization(db, orgName)]);
  if (!user) return NOT_AUTHORIZED;
  const request = await requestFor(db, user.id, org, token);
  if (!org || !request) return refuse(ORG_MESSAGES.noRequestWithToken(user.username));
  if (invitationExpired(request.requestedAt)) return refuse(ORG_MESSAGES.invitationExpired(org.username));
  // re-checked on accept; a refusal leaves the request pending
  if (!user.emailConfirmedAt) return refuse(ORG_MESSAGES.userUnconfirmed(user.username));
  if (!org.confirmed) return refuse(ORG_MESSAGES.orgUnconfirmed);
  const result = await withOrganizationLocked(db, org, async (tx) => {
    // the invitee's row held and re-checked: still a person, not an account transformed into an
    // organization since it was read (the transform locks the row, then counts memberships)
    const person = await tx.user.updateMany({ where: { id: user.id, isOrganization: false }, data: { isOrganization: false } });
    if (person.count !== 1) throw new Refused(NOT_AUTHORIZED);
    const taken = await tx.membershipRequest.deleteMany({ where: { organizationId: org.id, newMemberId: user.id, tokenHash: request.tokenHash } });
    if (taken.count !== 1) throw new Refused(refuse(ORG_MESSAGES.noRequestWithToken(user.username)));
    const existing = await membershipOf(tx, org.id, user.id);
    const isAdmin = (existing?.isAdmin ?? false) || request.isAdmin;
    await tx.membership.upsert({
      where: { organizationId_memberId: { organizationId: org.id, memberId: user.id } },
      create: { organizationId: org.id, memberId: user.id, isAdmin },
      update: { isAdmin },
    });
    const action = existing ? "UpdateOrganizationMember" : "AddOrganizationMember";
    await writeAudit(tx, { actorId: user.id, action, target: org.username, details: { member: user.username, isAdmin }, ip });
    return { ok: true as const, organization: org.username, isAdmin };
  });
  if (result.ok && org.emailAllowed) await send([mails.memberUpdatedMail(org.email, { org: org.username, member: user.username, isAdmin: result.isAdmin })]);
  return result;
}

/** nuget.org's RejectMemberRequestAsync: the invitee declines; the administrators are told. */
export async function declineInvitation(db: Db, userId: string, orgName: string, token: Answer): Promise<OrgResult<{ organization: string }>> {
  const [user, org] = await Promise.all([findPerson(db, userId), findOrganization(db, orgName)]);
  if (!user) return NOT_AUTHORIZED;
  const request = await requestFor(db, user.id, org, token);
  const gone = request && (await db.membershipRequest.deleteMany({ where: { organizationId: org!.id, newMemberId: user.id, tokenHash: request.tokenHash } }));
  if (!org || !gone || gone.count !== 1) return refuse(ORG_MESSAGES.noRequestWithToken(user.username));
  await send((await adminEmails(db, org.id)).map((to) => mails.invitationDeclinedMail(to, { org: org.username, member: user.username })));
  return { ok: true, organization: org.username };
}

/** nuget.org's CancelMemberRequest: an administrator withdraws an invitation. */
export async function cancelInvitation(db: Db, actorId: string, orgName: string, memberName: string): Promise<OrgResult<{ message: string }>> {
  const [actor, org] = await Promise.all([findPerson(db, actorId), findOrganization(db, orgName)]);
  if (!actor || !org || !(await membershipOf(db, org.id, actor.id))?.isAdmin) return NOT_AUTHORIZED;
  const name = typeof memberName === "string" ? memberName.trim().slice(0, 256) : "";
  const invitee = await db.user.findUnique({ where: { usernameKey: name.toLowerCase() }, select: { id: true, email: true, emailAllowed: true } });
  const gone = invitee && (await db.membershipRequest.deleteMany({ where: { organizationId: org.id, newMemberId: invitee.id } }));
  if (!gone || gone.count !== 1) return refuse(ORG_MESSAGES.noRequest(name));
  if (invitee!.emailAllowed) await send([mails.invitationCancelledMail(invitee!.email, { org: org.username })]);
  return { ok: true, message: ORG_MESSAGES.cancelled };
}

/**
 * Beyond nuget.org (spec §16): an administrator sends a pending invitation again, expired or
 * not. A new token (the old link stops working), a new date, and the invitation mail again.
 */
export async function resendInvitation(db: Db, actorId: string, orgName: string, memberName: string, origin: string): Promise<OrgResult<{ message: string; token: string }>> {
  const [actor, org] = await Promise.all([findPerson(db, actorId), findOrganization(db, orgName)]);
  if (!actor || !org || !(await membershipOf(db, org.id, actor.id))?.isAdmin) return NOT_AUTHORIZED;
  const name = typeof memberName === "string" ? memberName.trim().slice(0, 256) : "";
  const invitee = await db.user.findUnique({ where: { usernameKey: name.toLowerCase() }, select: { id: true, username: true, email: true, emailAllowed: true } });
  const token = randomBytes(16).toString("base64url");
  const renewed = invitee && (await db.membershipRequest.updateMany({ where: { organizationId: org.id, newMemberId: invitee.id }, data: { tokenHash: hashToken(token), requestedAt: new Date() } }));
  if (!renewed || renewed.count !== 1) return refuse(ORG_MESSAGES.noRequest(name));
  const request = await db.membershipRequest.findUniqueOrThrow({ where: { organizationId_newMemberId: { organizationId: org.id, newMemberId: invitee!.id } }, select: { isAdmin: true } });
  if (invitee!.emailAllowed) {
    await send([mails.invitationMail(invitee!.email, { org: org.username, admin: actor.username, isAdmin: request.isAdmin, origin, token })]);
  }
  return { ok: true, message: ORG_MESSAGES.resent(invitee!.username), token };
}

/** The member named, inside the locked transaction, with the acting person's role. */
async function lockedParties(tx: DbTransaction, org: Org, actorId: string, memberName: string) {
  const actor = await membershipOf(tx, org.id, actorId);
  const name = typeof memberName === "string" ? memberName.trim().slice(0, 256) : "";
  const target = await tx.membership.findFirst({
    where: { organizationId: org.id, member: { usernameKey: name.toLowerCase() } },
    select: { memberId: true, isAdmin: true, member: { select: { username: true } } },
  });
  return { actor, target, name };
}

const otherAdmins = (tx: DbTransaction, organizationId: string, memberId: string) =>
  tx.membership.count({ where: { organizationId, isAdmin: true, memberId: { not: memberId } } });

/** nuget.org's UpdateMember: an administrator changes a member's role; the last one cannot step down. */
export async function changeRole(
  db: Db,
  actorId: string,
  orgName: string,
  memberName: string,
  isAdmin: boolean,
  ip: string | null = null,
): Promise<OrgResult<{ member: { username: string; isAdmin: boolean }; changed: boolean }>> {
  const org = await findOrganization(db, orgName);
  if (!org) return NOT_AUTHORIZED;
  const result = await withOrganizationLocked(db, org, async (tx) => {
    const { actor, target, name } = await lockedParties(tx, org, actorId, memberName);
    if (!actor?.isAdmin) return NOT_AUTHORIZED;
    if (!org.confirmed) return refuse(ORG_MESSAGES.orgUnconfirmed);
    if (!target) return refuse(ORG_MESSAGES.memberNotFound(name));
    const member = { username: target.member.username, isAdmin };
    if (target.isAdmin === isAdmin) return { ok: true as const, member, changed: false };
    if (!isAdmin && (await otherAdmins(tx, org.id, target.memberId)) === 0) return refuse(ORG_MESSAGES.lastAdminDemote);
    await tx.membership.update({ where: { organizationId_memberId: { organizationId: org.id, memberId: target.memberId } }, data: { isAdmin } });
    await writeAudit(tx, { actorId, action: "UpdateOrganizationMember", target: org.username, details: { member: member.username, isAdmin }, ip });
    return { ok: true as const, member, changed: true };
  });
  if (result.ok && result.changed && org.emailAllowed) await send([mails.memberUpdatedMail(org.email, { org: org.username, member: result.member.username, isAdmin })]);
  return result;
}

/**
 * nuget.org's DeleteMember: an administrator removes a member, or anyone leaves. The last
 * administrator can do neither. Their keys for the organization stay, and stop working.
 */
export async function removeMember(
  db: Db,
  actorId: string,
  orgName: string,
  memberName: string,
  ip: string | null = null,
): Promise<OrgResult<{ message: string; left: boolean }>> {
  const org = await findOrganization(db, orgName);
  if (!org) return NOT_AUTHORIZED;
  const result = await withOrganizationLocked(db, org, async (tx) => {
    const { actor, target, name } = await lockedParties(tx, org, actorId, memberName);
    const left = target?.memberId === actorId;
    if (!actor || !(actor.isAdmin || left)) return NOT_AUTHORIZED;
    if (!org.confirmed) return refuse(ORG_MESSAGES.orgUnconfirmed);
    if (!target) return refuse(ORG_MESSAGES.memberNotFound(name));
    if (target.isAdmin && (await otherAdmins(tx, org.id, target.memberId)) === 0) return refuse(ORG_MESSAGES.lastAdminLeave);
    await tx.membership.delete({ where: { organizationId_memberId: { organizationId: org.id, memberId: target.memberId } } });
    await writeAudit(tx, { actorId, action: "RemoveOrganizationMember", target: org.username, details: { member: target.member.username }, ip });
    const removed = await tx.user.findUniqueOrThrow({ where: { id: target.memberId }, select: { email: true } });
    return { ok: true as const, message: ORG_MESSAGES.deleted, left, member: target.member.username, memberEmail: removed.email };
  });
  if (!result.ok) return result;
  await send([
    ...(org.emailAllowed ? [mails.memberRemovedMail(org.email, { org: org.username, member: result.member })] : []),
    ...(result.left ? [] : [removedFromOrganizationMail(result.memberEmail, { org: org.username, member: result.member })]),
  ]);
  return { ok: true, message: result.message, left: result.left };
}

export interface MemberOrganization {
  id: string;
  username: string;
  isAdmin: boolean;
}

/** The organizations a person belongs to, in membership order (nuget.org's owner list order). */
export async function listMemberOrganizations(db: Db, userId: string): Promise<MemberOrganization[]> {
  const rows = await db.membership.findMany({
    where: { memberId: userId, member: { isOrganization: false }, organization: { isOrganization: true, deletedAt: null } },
    orderBy: [{ createdAt: "asc" }, { organizationId: "asc" }],
    select: { isAdmin: true, organization: { select: { id: true, username: true } } },
  });
  return rows.map((r) => ({ id: r.organization.id, username: r.organization.username, isAdmin: r.isAdmin }));
}

export interface OrganizationRow {
  username: string;
  /** the member's role, or the role a pending invitation offers */
  isAdmin: boolean;
  members: number;
  packages: number;
  pending: boolean;
  /** a pending invitation past ORG_INVITATION_EXPIRY_DAYS: it can no longer be accepted */
  expired: boolean;
}

/** Manage Organizations: the user's memberships, then their pending invitations. */
export async function listOrganizationRows(db: Db, userId: string): Promise<OrganizationRow[]> {
  const org = { select: { username: true, _count: { select: { members: true, packages: true } } } } as const;
  const [memberships, invitations] = await Promise.all([
    db.membership.findMany({ where: { memberId: userId, organization: { deletedAt: null } }, orderBy: [{ createdAt: "asc" }, { organizationId: "asc" }], select: { isAdmin: true, organization: org } }),
    // shown whether or not the invitee allows mail: with it off, this page is where they learn of it
    db.membershipRequest.findMany({ where: { newMemberId: userId, organization: { deletedAt: null } }, orderBy: [{ requestedAt: "asc" }, { organizationId: "asc" }], select: { isAdmin: true, requestedAt: true, organization: org } }),
  ]);
  const row = (pending: boolean) => (r: (typeof memberships)[number] & { requestedAt?: Date }) => ({
    username: r.organization.username,
    isAdmin: r.isAdmin,
    members: r.organization._count.members,
    packages: r.organization._count.packages,
    pending,
    expired: r.requestedAt ? invitationExpired(r.requestedAt) : false,
  });
  return [...memberships.map(row(false)), ...invitations.map(row(true))];
}

export interface OrganizationView {
  username: string;
  confirmed: boolean;
  /** the viewer's role */
  isAdmin: boolean;
  members: { username: string; isAdmin: boolean; pending: boolean; expired: boolean }[];
}

/** The organization settings page, for a member (either role); null for anyone else or no such organization. */
export async function viewOrganization(db: Db, userId: string, orgName: string): Promise<OrganizationView | null> {
  const org = await findOrganization(db, orgName);
  const viewer = org && (await membershipOf(db, org.id, userId));
  if (!org || !viewer) return null;
  const [members, requests] = await Promise.all([
    db.membership.findMany({ where: { organizationId: org.id }, orderBy: [{ createdAt: "asc" }, { memberId: "asc" }], select: { isAdmin: true, member: { select: { username: true } } } }),
    db.membershipRequest.findMany({ where: { organizationId: org.id }, orderBy: [{ requestedAt: "asc" }, { newMemberId: "asc" }], select: { isAdmin: true, requestedAt: true, newMember: { select: { username: true } } } }),
  ]);
  return {
    username: org.username,
    confirmed: org.confirmed,
    isAdmin: viewer.isAdmin,
    members: [
      ...members.map((m) => ({ username: m.member.username, isAdmin: m.isAdmin, pending: false, expired: false })),
      ...requests.map((r) => ({ username: r.newMember.username, isAdmin: r.isAdmin, pending: true, expired: invitationExpired(r.requestedAt) })),
    ],
  };
}
