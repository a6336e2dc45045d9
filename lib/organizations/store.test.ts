import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { joinOrganization as join, makeOrganization as makeOrg, TEST_ORIGIN as ORIGIN } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { attemptSignIn } from "@/lib/accounts/sign-in";
import { createSession, findSessionUser } from "@/lib/accounts/users";
import { hashPassword } from "@/lib/accounts/passwords";
import { ORG_MESSAGES, addOrganizationSchema } from "./rules";
import {
  acceptInvitation,
  cancelInvitation,
  changeRole,
  createOrganization,
  declineInvitation,
  FROM_ACCOUNT_PAGE,
  inviteMember,
  listOrganizationRows,
  viewOrganization,
  listMemberOrganizations,
  removeMember,
} from "./store";

const mailDir = mkdtempSync(path.join(tmpdir(), "orgs-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;

function mailsTo(email: string): string[] {
  return readdirSync(mailDir)
    .map((f) => readFileSync(path.join(mailDir, f), "utf8"))
    // folded headers; quoted-printable: soft line breaks and escaped bytes (ASCII here)
    .map((m) => m.replace(/=\r?\n/g, "").replace(/\r?\n /g, " ").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))))
    .filter((m) => m.includes(`To: ${email}`));
}

const name = (prefix: string) => `${prefix}_${randomBytes(5).toString("hex")}`;

async function makeUser(db: Db, { confirmed = true } = {}) {
  const username = name("u");
  return db.user.create({
    data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: confirmed ? new Date() : null },
  });
}

/** A confirmed organization with an administrator (its creator), a collaborator and an outsider. */
async function team(db: Db) {
  const [admin, collaborator, outsider] = [await makeUser(db), await makeUser(db), await makeUser(db)];
  const org = await makeOrg(db, admin.id);
  await join(db, admin.id, org.username, collaborator, false);
  return { admin, collaborator, outsider, org };
}

const roles = async (db: Db, organizationId: string) =>
  (await db.membership.findMany({ where: { organizationId }, select: { memberId: true, isAdmin: true } })).sort((a, b) => a.memberId.localeCompare(b.memberId));

describeEachDb("organizations store", (getDb) => {
  it("creates an organization: the creator is its only member, an Administrator; its address is unconfirmed and mailed", async () => {
    const db = getDb();
    const creator = await makeUser(db);
    const org = await makeOrg(db, creator.id, { confirmed: false });
    const row = await db.user.findUniqueOrThrow({ where: { id: org.id } });
    expect(row).toMatchObject({ isOrganization: true, emailConfirmedAt: null, passwordHash: null });
    expect(await roles(db, org.id)).toEqual([{ memberId: creator.id, isAdmin: true }]);
    const [mail] = mailsTo(org.email);
    expect(mail).toContain("Subject: [NuGet Gallery] Please verify your account");
    expect(mail).toContain("Thank you for creating an organization on the NuGet Gallery.");
    expect(mail).toContain(`${ORIGIN}/organization/${org.username}/Confirm?token=`);
    expect(await db.auditRecord.count({ where: { actorId: creator.id, action: "AddOrganization", target: org.username } })).toBe(1);
    expect(await listMemberOrganizations(db, creator.id)).toEqual([{ id: org.id, username: org.username, isAdmin: true }]);
  });

  it("refuses a taken name (any case) or address, and a locked creator, with nuget.org's texts", async () => {
    const db = getDb();
    const creator = await makeUser(db);
    const other = await makeUser(db);
    const org = await makeOrg(db, creator.id);
    const upper = org.username.toUpperCase();
    expect(await createOrganization(db, creator.id, { organizationName: upper, emailAddress: `${name("x")}@org.test` }, ORIGIN)).toEqual({
      ok: false, status: 400, error: `The username '${upper}' is not available.`,
    });
    expect(await createOrganization(db, creator.id, { organizationName: name("Free"), emailAddress: other.email }, ORIGIN)).toEqual({
      ok: false, status: 400, error: `The email address '${other.email}' is already in use by a different account.`,
    });
    await db.user.update({ where: { id: other.id }, data: { locked: true } });
    expect(await createOrganization(db, other.id, { organizationName: name("Free"), emailAddress: `${name("x")}@org.test` }, ORIGIN)).toMatchObject({ ok: false, error: ORG_MESSAGES.userLocked });
    // an organization cannot create one either (a crafted session id)
    expect(await createOrganization(db, org.id, { organizationName: name("Free"), emailAddress: `${name("x")}@org.test` }, ORIGIN)).toMatchObject({ ok: false, status: 403 });
  });

  it("the form schema holds nuget.org's name and address rules", () => {
    const parse = (organizationName: string, emailAddress = "a@b.test") => addOrganizationSchema.safeParse({ organizationName, emailAddress });
    const rule = "User names must start and end with a letter or number, and may only contain letters, numbers, underscores, periods, and hyphens in between.";
    expect(parse("ab").error?.issues[0].message).toBe(rule);
    expect(parse("-ab-").error?.issues[0].message).toBe(rule);
    expect(parse("").error?.issues[0].message).toBe("The Organization Name field is required.");
    expect(parse("a".repeat(65)).error?.issues[0].message).toBe("The field Organization Name must be a string with a maximum length of 64.");
    expect(parse("Contoso", "nope").error?.issues[0].message).toBe("This doesn't appear to be a valid email address.");
    expect(parse("Contoso.Tools", "A@B.test").data).toEqual({ organizationName: "Contoso.Tools", emailAddress: "a@b.test" });
  });

  it("an organization cannot sign in and no session of it is honoured", async () => {
    const db = getDb();
    const creator = await makeUser(db);
    const org = await makeOrg(db, creator.id);
    // even with a password hash written into its row, sign-in does not find it
    await db.user.update({ where: { id: org.id }, data: { passwordHash: await hashPassword("password-1234") } });
    expect(await attemptSignIn(db, org.username, "password-1234", { ip: null })).toMatchObject({ ok: false, reason: "invalid" });
    const sessionId = await createSession(db, org.id, { ip: null });
    expect(await findSessionUser(db, org.id, sessionId!)).toBeNull();
  });

  it("invites: administrators only, on a confirmed organization, by username, checks in nuget.org's order", async () => {
    const db = getDb();
    const { admin, collaborator, outsider, org } = await team(db);
    const invitee = await makeUser(db);
    const forbidden = { ok: false, status: 403, error: "User is not authorized" };
    expect(await inviteMember(db, collaborator.id, org.username, invitee.username, false, ORIGIN)).toEqual(forbidden);
    expect(await inviteMember(db, outsider.id, org.username, invitee.username, false, ORIGIN)).toEqual(forbidden);
    expect(await inviteMember(db, admin.id, name("NoSuchOrg"), invitee.username, false, ORIGIN)).toEqual(forbidden);
    // a person's name in place of the organization's
    expect(await inviteMember(db, admin.id, admin.username, invitee.username, false, ORIGIN)).toEqual(forbidden);

    const unconfirmed = await makeOrg(db, admin.id, { confirmed: false });
    expect(await inviteMember(db, admin.id, unconfirmed.username, invitee.username, false, ORIGIN)).toEqual({ ok: false, status: 400, error: ORG_MESSAGES.orgUnconfirmed });

    const refusal = async (member: string) => ((r) => (r.ok ? "ok" : r.error))(await inviteMember(db, admin.id, org.username, member, false, ORIGIN));
    expect(await refusal(collaborator.username.toUpperCase())).toBe(`User '${collaborator.username}' is already a member of this organization.`);
    expect(await refusal(invitee.email)).toBe("You must add a member by username, not an email address.");
    expect(await refusal("nobody_here")).toBe("User 'nobody_here' does not exist. ");
    const fresh = await makeUser(db, { confirmed: false });
    expect(await refusal(fresh.username)).toBe(`User '${fresh.username}' has not confirmed their email.`);
    const otherOrg = await makeOrg(db, outsider.id);
    expect(await refusal(otherOrg.username)).toBe(`User '${otherOrg.username}' is an organization and cannot be a member of another organization.`);
    expect(await db.membershipRequest.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it("a successful invite mails the invitee and every administrator; a second invite upgrades, never downgrades", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const org = await makeOrg(db, admin.id);
    const invitee = await makeUser(db);
    const first = await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN);
    expect(first).toMatchObject({ ok: true, member: { username: invitee.username, isAdmin: false, pending: true } });
    const [toInvitee] = mailsTo(invitee.email);
    expect(toInvitee).toContain(`Subject: [NuGet Gallery] Membership request for organization '${org.username}'`);
    expect(toInvitee).toContain(`The user '${admin.username}' would like you to become a collaborator of their organization`);
    expect(toInvitee).toContain(`${ORIGIN}/organization/${org.username}/members/confirm/${first.ok && first.token}`);
    expect(mailsTo(admin.email).some((m) => m.includes(`has requested that user '${invitee.username}' be added as a collaborator of organization '${org.username}'`))).toBe(true);
    // the stored token is a hash, never the mailed value
    const stored = await db.membershipRequest.findFirstOrThrow({ where: { organizationId: org.id } });
    expect(stored.tokenHash).not.toContain(first.ok ? first.token : "-");

    expect(await inviteMember(db, admin.id, org.username, invitee.username, true, ORIGIN)).toMatchObject({ ok: true, member: { isAdmin: true } });
    expect(await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN)).toMatchObject({ ok: true, member: { isAdmin: true } });
    expect(await db.membershipRequest.findMany({ where: { organizationId: org.id }, select: { isAdmin: true } })).toEqual([{ isAdmin: true }]);
  });

  it("20 concurrent invitations of one user leave one request, and every call gets an answer", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const org = await makeOrg(db, admin.id);
    const invitee = await makeUser(db);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => inviteMember(db, admin.id, org.username, invitee.username, i % 2 === 0, ORIGIN)));
    expect(answers.every((a) => a.ok)).toBe(true);
    const requests = await db.membershipRequest.findMany({ where: { organizationId: org.id, newMemberId: invitee.id }, select: { isAdmin: true } });
    // one request; an administrator's invitation among them upgrades it, none downgrades it
    expect(requests).toEqual([{ isAdmin: true }]);
  });

  it("accept: only the invitee, only with the live token; joins with the offered role and mails the organization", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const org = await makeOrg(db, admin.id);
    const invitee = await makeUser(db);
    const other = await makeUser(db);
    const first = await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN);
    const second = await inviteMember(db, admin.id, org.username, invitee.username, true, ORIGIN);
    if (!first.ok || !second.ok) throw new Error("invite failed");
    const noRequest = (u: string) => ({ ok: false, status: 400, error: `There is no request for user '${u}' for join this organization with that token.` });
    // the first link was replaced by the second mail; another person cannot use the invitee's token
    expect(await acceptInvitation(db, invitee.id, org.username, first.token)).toEqual(noRequest(invitee.username));
    expect(await acceptInvitation(db, other.id, org.username, second.token)).toEqual(noRequest(other.username));
    expect(await acceptInvitation(db, invitee.id, name("NoSuchOrg"), second.token)).toEqual(noRequest(invitee.username));
    expect(await acceptInvitation(db, invitee.id, org.username, second.token)).toEqual({ ok: true, organization: org.username, isAdmin: true });
    expect(await acceptInvitation(db, invitee.id, org.username, second.token)).toEqual(noRequest(invitee.username));
    expect((await roles(db, org.id)).find((m) => m.memberId === invitee.id)).toEqual({ memberId: invitee.id, isAdmin: true });
    expect(mailsTo(org.email).some((m) => m.includes(`The user '${invitee.username}' is now an administrator of organization '${org.username}'.`))).toBe(true);
    expect(await db.auditRecord.count({ where: { actorId: invitee.id, action: "AddOrganizationMember" } })).toBe(1);
  });

  it("the invitee may answer from their own Manage Organizations page without the token; nobody else can", async () => {
    const db = getDb();
    const { admin, outsider, org } = await team(db);
    const invitee = await makeUser(db);
    await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN);
    expect(await listOrganizationRows(db, invitee.id)).toEqual([{ username: org.username, isAdmin: false, members: 2, packages: 0, pending: true, expired: false }]);
    expect(await acceptInvitation(db, outsider.id, org.username, FROM_ACCOUNT_PAGE)).toMatchObject({ ok: false, status: 400 });
    expect(await declineInvitation(db, outsider.id, org.username, FROM_ACCOUNT_PAGE)).toMatchObject({ ok: false, status: 400 });
    expect(await viewOrganization(db, invitee.id, org.username)).toBeNull();
    expect(await acceptInvitation(db, invitee.id, org.username, FROM_ACCOUNT_PAGE)).toEqual({ ok: true, organization: org.username, isAdmin: false });
    expect(await listOrganizationRows(db, invitee.id)).toEqual([{ username: org.username, isAdmin: false, members: 3, packages: 0, pending: false, expired: false }]);
    expect(await viewOrganization(db, invitee.id, org.username.toLowerCase())).toMatchObject({ username: org.username, isAdmin: false, confirmed: true });
    expect(await viewOrganization(db, outsider.id, org.username)).toBeNull();
    expect((await viewOrganization(db, admin.id, org.username))?.members.map((m) => [m.username, m.isAdmin, m.pending])).toEqual([
      [admin.username, true, false],
      expect.any(Array),
      [invitee.username, false, false],
    ]);
  });

  it("decline removes the request and tells the administrators; cancel is for administrators and mails the invitee", async () => {
    const db = getDb();
    const { admin, collaborator, outsider, org } = await team(db);
    const invitee = await makeUser(db);
    const invited = await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN);
    if (!invited.ok) throw new Error(invited.error);
    expect(await declineInvitation(db, collaborator.id, org.username, invited.token)).toMatchObject({ ok: false, status: 400 });
    expect(await declineInvitation(db, invitee.id, org.username, invited.token)).toEqual({ ok: true, organization: org.username });
    expect(await db.membershipRequest.count({ where: { organizationId: org.id } })).toBe(0);
    expect(mailsTo(admin.email).some((m) => m.includes(`The user '${invitee.username}' has declined your request to become a member of your organization.`))).toBe(true);

    await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN);
    expect(await cancelInvitation(db, collaborator.id, org.username, invitee.username)).toEqual({ ok: false, status: 403, error: "User is not authorized" });
    expect(await cancelInvitation(db, admin.id, org.username, collaborator.username)).toEqual({
      ok: false, status: 400, error: `There is no request for user '${collaborator.username}' to join this organization.`,
    });
    expect(await cancelInvitation(db, admin.id, org.username, invitee.username)).toEqual({ ok: true, message: "The pending organization member was deleted." });
    expect(mailsTo(invitee.email).some((m) => m.includes(`The request for you to become a member of '${org.username}' has been cancelled.`))).toBe(true);
    expect(await db.membershipRequest.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it("decline or cancel racing an accept: exactly one wins, and the request and membership agree with it", async () => {
    const db = getDb();
    const { admin, org } = await team(db);
    for (let round = 0; round < 4; round++) {
      const invitee = await makeUser(db);
      const invited = await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN);
      if (!invited.ok) throw new Error(invited.error);
      const other =
        round % 2 === 0 ? declineInvitation(db, invitee.id, org.username, invited.token) : cancelInvitation(db, admin.id, org.username, invitee.username);
      const [accepted, withdrawn] = await Promise.all([acceptInvitation(db, invitee.id, org.username, invited.token), other]);
      expect([accepted.ok, withdrawn.ok].filter(Boolean)).toHaveLength(1);
      expect(await db.membershipRequest.count({ where: { organizationId: org.id, newMemberId: invitee.id } })).toBe(0);
      expect(await db.membership.count({ where: { organizationId: org.id, memberId: invitee.id } })).toBe(accepted.ok ? 1 : 0);
    }
  });

  it("accept re-checks in its transaction that the invitee is still a person: one turned into an organization meanwhile is refused", async () => {
    const db = getDb();
    const { admin, org } = await team(db);
    const invitee = await makeUser(db);
    const invited = await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN);
    if (!invited.ok) throw new Error(invited.error);
    // the account transform commits while the accept is under way (PostgreSQL: after the
    // accept's first read; SQLite runs them one after the other)
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    let started!: () => void;
    const transformed = new Promise<void>((resolve) => (started = resolve));
    const transform = db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: invitee.id }, data: { isOrganization: true } });
      started();
      await committing;
    });
    await transformed;
    const accepting = acceptInvitation(db, invitee.id, org.username, invited.token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    commit();
    await transform;
    expect(await accepting).toEqual({ ok: false, status: 403, error: "User is not authorized" });
    expect(await db.membership.count({ where: { organizationId: org.id, memberId: invitee.id } })).toBe(0);
  });

  it("change role: administrators only; the last administrator cannot be demoted; a no-op changes nothing", async () => {
    const db = getDb();
    const { admin, collaborator, outsider, org } = await team(db);
    expect(await changeRole(db, collaborator.id, org.username, collaborator.username, true)).toEqual({ ok: false, status: 403, error: "User is not authorized" });
    expect(await changeRole(db, outsider.id, org.username, admin.username, false)).toEqual({ ok: false, status: 403, error: "User is not authorized" });
    expect(await changeRole(db, admin.id, org.username, admin.username, false)).toEqual({ ok: false, status: 400, error: ORG_MESSAGES.lastAdminDemote });
    expect(await changeRole(db, admin.id, org.username, outsider.username, true)).toEqual({ ok: false, status: 400, error: `Organization member '${outsider.username}' was not found.` });
    expect(await changeRole(db, admin.id, org.username, admin.username, true)).toMatchObject({ ok: true, changed: false });
    expect(await changeRole(db, admin.id, org.username, collaborator.username, true)).toMatchObject({ ok: true, changed: true });
    // two administrators now: one may step down
    expect(await changeRole(db, admin.id, org.username, admin.username, false)).toMatchObject({ ok: true, changed: true });
    expect(await roles(db, org.id)).toEqual([{ memberId: admin.id, isAdmin: false }, { memberId: collaborator.id, isAdmin: true }].sort((a, b) => a.memberId.localeCompare(b.memberId)));
    expect(mailsTo(org.email).some((m) => m.includes(`The user '${admin.username}' is now a collaborator of organization '${org.username}'.`))).toBe(true);
  });

  it("remove and leave: a collaborator may only leave; the last administrator can neither leave nor be removed", async () => {
    const db = getDb();
    const { admin, collaborator, outsider, org } = await team(db);
    const second = await makeUser(db);
    await join(db, admin.id, org.username, second, false);
    expect(await removeMember(db, collaborator.id, org.username, second.username)).toEqual({ ok: false, status: 403, error: "User is not authorized" });
    expect(await removeMember(db, collaborator.id, org.username, admin.username)).toEqual({ ok: false, status: 403, error: "User is not authorized" });
    expect(await removeMember(db, admin.id, org.username, admin.username)).toEqual({ ok: false, status: 400, error: ORG_MESSAGES.lastAdminLeave });
    expect(await removeMember(db, collaborator.id, org.username, collaborator.username)).toEqual({ ok: true, message: "The organization member was deleted.", left: true });
    expect(await removeMember(db, admin.id, org.username, second.username)).toEqual({ ok: true, message: "The organization member was deleted.", left: false });
    expect(await roles(db, org.id)).toEqual([{ memberId: admin.id, isAdmin: true }]);
    expect(mailsTo(org.email).some((m) => m.includes(`The user '${collaborator.username}' is no longer a member of organization '${org.username}'.`))).toBe(true);
    // a former member has no rights left
    expect(await removeMember(db, collaborator.id, org.username, collaborator.username)).toMatchObject({ ok: false, status: 403 });
  });

  it("an administrator can remove another administrator while one remains", async () => {
    const db = getDb();
    const a = await makeUser(db);
    const b = await makeUser(db);
    const org = await makeOrg(db, a.id);
    await join(db, a.id, org.username, b, true);
    expect(await removeMember(db, b.id, org.username, a.username)).toMatchObject({ ok: true, left: false });
    expect(await roles(db, org.id)).toEqual([{ memberId: b.id, isAdmin: true }]);
  });

  it("two administrators of a two-admin organization removing each other at once leave exactly one administrator", async () => {
    const db = getDb();
    for (let round = 0; round < 5; round++) {
      const a = await makeUser(db);
      const b = await makeUser(db);
      const org = await makeOrg(db, a.id);
      await join(db, a.id, org.username, b, true);
      const results = await Promise.all([removeMember(db, a.id, org.username, b.username), removeMember(db, b.id, org.username, a.username)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const left = await roles(db, org.id);
      expect(left).toHaveLength(1);
      expect(left[0].isAdmin).toBe(true);
      // and demoting each other at once keeps one administrator too
      const c = await makeUser(db);
      await join(db, left[0].memberId, org.username, c, true);
      const remaining = left[0].memberId === a.id ? a : b;
      await Promise.all([changeRole(db, remaining.id, org.username, c.username, false), changeRole(db, c.id, org.username, remaining.username, false)]);
      expect((await roles(db, org.id)).filter((m) => m.isAdmin)).toHaveLength(1);
    }
  });
});
