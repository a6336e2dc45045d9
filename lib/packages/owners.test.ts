import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { mailsIn } from "@/tests/mail-files";
import { joinOrganization as join, makeOrganization as makeOrg, TEST_ORIGIN as ORIGIN } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { hashToken } from "@/lib/accounts/email-tokens";
import { OWNER_MESSAGES as M, removeConfirmation } from "./owner-rules";
import {
  addPackageOwner,
  answerOwnershipRequest,
  cancelOwnershipRequest,
  FROM_ACCOUNT_PAGE,
  listReceivedOwnershipRequests,
  removePackageOwner,
  viewPackageOwners,
} from "./owners";

const mailDir = mkdtempSync(path.join(tmpdir(), "owners-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;

const mailsTo = (email: string) => mailsIn(mailDir, email);
const subjects = (email: string) => mailsTo(email).map((m) => /Subject: (.*)/.exec(m)![1]);

const name = (prefix: string) => `${prefix}_${randomBytes(5).toString("hex")}`;

async function makeUser(db: Db, { confirmed = true, emailAllowed = true } = {}) {
  const username = name("u");
  return db.user.create({
    data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: confirmed ? new Date() : null, emailAllowed },
  });
}

async function makePackage(db: Db, ownerIds: string[], packageId = `Pkg.${randomBytes(5).toString("hex")}`) {
  await db.packageRegistration.create({ data: { packageId, idKey: packageId.toLowerCase(), owners: { create: ownerIds.map((userId) => ({ userId })) } } });
  return packageId;
}

const ownersOf = async (db: Db, packageId: string) =>
  (await db.packageOwner.findMany({ where: { registration: { idKey: packageId.toLowerCase() } }, select: { user: { select: { username: true } } } })).map((o) => o.user.username).sort();
const requestsOf = async (db: Db, packageId: string) =>
  (await db.packageOwnerRequest.findMany({ where: { registration: { idKey: packageId.toLowerCase() } }, select: { newOwner: { select: { username: true } } } })).map((r) => r.newOwner.username).sort();

/** An organization with an administrator and a collaborator, owning a package. */
async function orgPackage(db: Db) {
  const [admin, collaborator, outsider] = [await makeUser(db), await makeUser(db), await makeUser(db)];
  const org = await makeOrg(db, admin.id);
  await join(db, admin.id, org.username, collaborator, false);
  const packageId = await makePackage(db, [org.id]);
  return { admin, collaborator, outsider, org, packageId };
}

async function reserve(db: Db, value: string, ownerIds: string[], isPrefix = true) {
  await db.reservedNamespace.create({ data: { value, valueKey: value.toLowerCase(), isPrefix, owners: { create: ownerIds.map((userId) => ({ userId })) } } });
}

describeEachDb("package owners", (getDb) => {
  it("who may manage: an owner and an administrator of an owning organization; a collaborator sees the warning; an outsider gets nothing", async () => {
    const db = getDb();
    const { admin, collaborator, outsider, org, packageId } = await orgPackage(db);
    const adminView = await viewPackageOwners(db, admin.id, packageId.toUpperCase());
    expect(adminView).toMatchObject({ packageId, canManage: true });
    expect(adminView!.owners).toEqual([
      { username: org.username, isOrganization: true, pending: false, isYou: false, isYourOrganization: true, isNamespaceOwner: false, removable: false, onlyAccess: true },
    ]);
    expect(await viewPackageOwners(db, collaborator.id, packageId)).toEqual({ packageId, canManage: false, owners: [] });
    expect(await viewPackageOwners(db, outsider.id, packageId)).toBeNull();
    expect(await viewPackageOwners(db, admin.id, "No.Such.Package")).toBeNull();

    const invitee = await makeUser(db);
    for (const who of [collaborator, outsider]) {
      expect(await addPackageOwner(db, who.id, packageId, invitee.username, "", ORIGIN)).toEqual({ ok: false, error: M.notPackageOwner });
      expect(await removePackageOwner(db, who.id, packageId, org.username)).toEqual({ ok: false, error: M.notPackageOwner });
    }
    // the organization itself is no session user
    expect(await addPackageOwner(db, org.id, packageId, invitee.username, "", ORIGIN)).toEqual({ ok: false, error: M.currentUserNotFound });
    expect(await addPackageOwner(db, admin.id, packageId, invitee.username, "", ORIGIN)).toMatchObject({ ok: true, owner: { username: invitee.username, pending: true } });
    expect(await requestsOf(db, packageId)).toEqual([invitee.username]);
  });

  it("adding yourself or an organization you administer is immediate and mails the other owners; anyone else gets a request", async () => {
    const db = getDb();
    const { admin, org, packageId } = await orgPackage(db);
    const other = await makeOrg(db, admin.id);
    const r = await addPackageOwner(db, admin.id, packageId, other.username.toLowerCase(), "", ORIGIN);
    expect(r).toEqual({ ok: true, owner: { username: other.username, pending: false }, token: null });
    // the existing owner (an organization) is mailed through its administrators
    expect(subjects(admin.email)).toContain(`[NuGet Gallery] Package ownership update for '${packageId}'`);
    expect(mailsTo(admin.email).find((m) => m.includes("is now an owner"))).toContain(`User '${other.username}' is now an owner of the package '${packageId}'`);
    expect(await addPackageOwner(db, admin.id, packageId, admin.username, "", ORIGIN)).toMatchObject({ ok: true, owner: { pending: false } });
    expect(await ownersOf(db, packageId)).toEqual([admin.username, org.username, other.username].sort());
    expect(await db.auditRecord.count({ where: { actorId: admin.id, action: "AddOwner", target: packageId } })).toBe(2);

    const view = await viewPackageOwners(db, admin.id, packageId);
    const me = view!.owners.find((o) => o.username === admin.username)!;
    expect(me).toMatchObject({ isYou: true, isYourOrganization: false, removable: true, onlyAccess: false });
    expect(removeConfirmation(me)).toBe("Are you sure you want to remove yourself as an owner of this package?");
    expect(removeConfirmation({ isYou: false, isYourOrganization: true, onlyAccess: true })).toBe(
      "Are you sure you want to remove your organization as an owner of this package? You will no longer be able to manage the package if you do.",
    );
  });

  it("a request to an organization you do not administer is mailed to its administrators who allow mail, with nuget.org's text; the token is stored hashed", async () => {
    const db = getDb();
    const owner = await makeUser(db);
    const packageId = await makePackage(db, [owner.id]);
    const [orgAdmin, quietAdmin, orgCollaborator] = [await makeUser(db), await makeUser(db, { emailAllowed: false }), await makeUser(db)];
    const org = await makeOrg(db, orgAdmin.id);
    await join(db, orgAdmin.id, org.username, quietAdmin, true);
    await join(db, orgAdmin.id, org.username, orgCollaborator, false);
    const r = await addPackageOwner(db, owner.id, packageId, org.username, "Please take it over", ORIGIN);
    if (!r.ok) throw new Error(r.error);
    expect(r.owner).toEqual({ username: org.username, pending: true });
    const stored = await db.packageOwnerRequest.findFirstOrThrow({ where: { newOwnerId: org.id }, select: { tokenHash: true, message: true, requestingOwnerId: true } });
    expect(stored).toEqual({ tokenHash: hashToken(r.token!), message: "Please take it over", requestingOwnerId: owner.id });
    const [mail] = mailsTo(orgAdmin.email).filter((m) => m.includes("Package ownership request for"));
    expect(mail).toContain(`Subject: [NuGet Gallery] Package ownership request for '${packageId}'`);
    expect(mail).toContain(`The user '${owner.username}' would like to add your organization as an owner of the package '${packageId}'`);
    expect(mail).toContain(`'Please take it over'`);
    expect(mail).toContain("To accept this request and make your organization a listed owner of the package:");
    expect(mail).toContain(`${ORIGIN}/packages/${packageId}/owners/${org.username}/confirm/${r.token}`);
    expect(mail).toContain(`${ORIGIN}/packages/${packageId}/owners/${org.username}/reject/${r.token}`);
    expect(subjects(quietAdmin.email).filter((s) => s.includes("Package ownership"))).toEqual([]);
    expect(subjects(orgCollaborator.email).filter((s) => s.includes("Package ownership"))).toEqual([]);
    // the existing owner is told, with the cancel link
    expect(mailsTo(owner.email).find((m) => m.includes("has requested that user"))).toContain(`${ORIGIN}/packages/${packageId}/owners/${org.username}/cancel/${r.token}`);

    // a collaborator cannot accept for the organization; an administrator can, with the token
    expect(await answerOwnershipRequest(db, orgCollaborator.id, packageId, org.username, r.token!, true, ORIGIN)).toEqual({ ok: false, error: M.notYourRequest(org.username) });
    expect(await answerOwnershipRequest(db, orgAdmin.id, packageId, org.username, "wrong-token", true, ORIGIN)).toEqual({ ok: false, error: M.requestNotFound });
    expect(await answerOwnershipRequest(db, quietAdmin.id, packageId, org.username, r.token!, true, ORIGIN)).toEqual({ ok: true, packageId, owner: org.username });
    expect(await ownersOf(db, packageId)).toEqual([org.username, owner.username].sort());
    expect(await requestsOf(db, packageId)).toEqual([]);
    expect(mailsTo(owner.email).some((m) => m.includes(`User '${org.username}' is now an owner of the package '${packageId}'`))).toBe(true);
  });

  it("add refusals in nuget.org's order and words", async () => {
    const db = getDb();
    const owner = await makeUser(db);
    const packageId = await makePackage(db, [owner.id]);
    const [unconfirmed, locked, invitee] = [await makeUser(db, { confirmed: false }), await makeUser(db), await makeUser(db)];
    await db.user.update({ where: { id: locked.id }, data: { locked: true } });
    const add = (who: string, pkg: unknown = packageId) => addPackageOwner(db, owner.id, pkg, who, "", ORIGIN);
    expect(await add(invitee.email)).toEqual({ ok: false, error: M.nameIsEmail });
    expect(await add(invitee.username, "No.Such.Package")).toEqual({ ok: false, error: M.packageNotFound });
    expect(await add("nobody_at_all")).toEqual({ ok: false, error: M.ownerNotFound });
    expect(await add("")).toEqual({ ok: false, error: M.ownerNotFound });
    expect(await add(unconfirmed.username)).toEqual({ ok: false, error: `Sorry, '${unconfirmed.username}' hasn't verified their email account yet and we cannot proceed with the request.` });
    expect(await add(locked.username)).toEqual({ ok: false, error: `Account '${locked.username}' is locked. Please contact support@nuget.org.` });
    expect(await add(owner.username)).toEqual({ ok: false, error: `The user '${owner.username}' is already an owner or pending owner of the package.` });
    expect(await add(invitee.username)).toMatchObject({ ok: true });
    expect(await add(invitee.username.toUpperCase())).toEqual({ ok: false, error: `The user '${invitee.username.toUpperCase()}' is already an owner or pending owner of the package.` });
    await db.user.update({ where: { id: owner.id }, data: { locked: true } });
    expect(await add(invitee.username)).toEqual({ ok: false, error: M.userLocked });
  });

  it("crafted inputs: non-strings, huge strings and another account's ids change nothing", async () => {
    const db = getDb();
    const owner = await makeUser(db);
    const packageId = await makePackage(db, [owner.id]);
    const victim = await makeUser(db);
    const victimPackage = await makePackage(db, [victim.id]);
    for (const [pkg, who] of [
      [{ idKey: packageId }, owner.username],
      [["x"], owner.username],
      ["x".repeat(100_000), owner.username],
      [packageId, { username: victim.username }],
      [packageId, "y".repeat(100_000)],
    ] as [unknown, unknown][]) {
      expect((await addPackageOwner(db, owner.id, pkg, who, { x: 1 }, ORIGIN)).ok).toBe(false);
      expect((await removePackageOwner(db, owner.id, pkg, who)).ok).toBe(false);
    }
    // someone else's package: adding oneself, removing its owner, cancelling or answering with a guess
    expect(await addPackageOwner(db, owner.id, victimPackage, owner.username, "", ORIGIN)).toEqual({ ok: false, error: M.notPackageOwner });
    expect(await removePackageOwner(db, owner.id, victimPackage, victim.username)).toEqual({ ok: false, error: M.notPackageOwner });
    expect(await cancelOwnershipRequest(db, owner.id, victimPackage, victim.username, "guess")).toEqual({ ok: false, error: M.notPackageOwner });
    expect(await answerOwnershipRequest(db, owner.id, victimPackage, owner.username, FROM_ACCOUNT_PAGE, true, ORIGIN)).toEqual({ ok: false, error: M.requestNotFound });
    expect(await answerOwnershipRequest(db, owner.id, victimPackage, victim.username, FROM_ACCOUNT_PAGE, true, ORIGIN)).toEqual({ ok: false, error: M.notYourRequest(victim.username) });
    expect(await ownersOf(db, victimPackage)).toEqual([victim.username]);
    expect(await requestsOf(db, victimPackage)).toEqual([]);
  });

  it("the 15th owner is added and the 16th refused; a request cannot be made for a full package either", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const packageId = await makePackage(db, [admin.id]);
    const reg = await db.packageRegistration.findUniqueOrThrow({ where: { idKey: packageId.toLowerCase() } });
    for (let i = 0; i < 13; i++) await db.packageOwner.create({ data: { registrationId: reg.id, userId: (await makeUser(db)).id } });
    const [fifteenth, sixteenth] = [await makeOrg(db, admin.id), await makeOrg(db, admin.id)];
    expect(await addPackageOwner(db, admin.id, packageId, fifteenth.username, "", ORIGIN)).toMatchObject({ ok: true, owner: { pending: false } });
    const full = "The new package owner cannot be added. The package has the maximum number of owners (15). An existing owner must be removed to proceed.";
    expect(await addPackageOwner(db, admin.id, packageId, sixteenth.username, "", ORIGIN)).toEqual({ ok: false, error: full });
    expect(await addPackageOwner(db, admin.id, packageId, (await makeUser(db)).username, "", ORIGIN)).toEqual({ ok: false, error: full });
    expect(await db.packageOwner.count({ where: { registrationId: reg.id } })).toBe(15);
  });

  it("the 3rd pending request is saved and the 4th refused; a cancelled one frees its place", async () => {
    const db = getDb();
    const owner = await makeUser(db);
    const packageId = await makePackage(db, [owner.id]);
    const users = [await makeUser(db), await makeUser(db), await makeUser(db), await makeUser(db)];
    for (const u of users.slice(0, 3)) expect(await addPackageOwner(db, owner.id, packageId, u.username, "", ORIGIN)).toMatchObject({ ok: true, owner: { pending: true } });
    const full = "The package ownership request cannot be saved. The package already has the maximum number of ownership requests (3). An existing ownership request must be removed to proceed.";
    expect(await addPackageOwner(db, owner.id, packageId, users[3].username, "", ORIGIN)).toEqual({ ok: false, error: full });
    // an immediate add is no request: it is not held back by the request limit
    expect(await addPackageOwner(db, owner.id, packageId, (await makeOrg(db, owner.id)).username, "", ORIGIN)).toMatchObject({ ok: true, owner: { pending: false } });
    expect(await removePackageOwner(db, owner.id, packageId, users[0].username)).toEqual({ ok: true, cancelled: true, lostAccess: false });
    expect(subjects(users[0].email)).toContain(`[NuGet Gallery] Package ownership request for '${packageId}' cancelled`);
    expect(mailsTo(users[0].email).find((m) => m.includes("cancelled their request"))).toContain(`The user '${owner.username}' has cancelled their request for you to be added as an owner of the package '${packageId}'.`);
    expect(await addPackageOwner(db, owner.id, packageId, users[3].username, "", ORIGIN)).toMatchObject({ ok: true });
  });

  it("concurrent adds keep the limits and 'already an owner or pending'", async () => {
    const db = getDb();
    for (let round = 0; round < 3; round++) {
      const owner = await makeUser(db);
      const packageId = await makePackage(db, [owner.id]);
      const users = await Promise.all(Array.from({ length: 6 }, () => makeUser(db)));
      const requests = await Promise.all(users.map((u) => addPackageOwner(db, owner.id, packageId, u.username, "", ORIGIN)));
      expect(requests.filter((r) => r.ok)).toHaveLength(3);
      expect(await db.packageOwnerRequest.count({ where: { registration: { idKey: packageId.toLowerCase() } } })).toBe(3);

      const same = await makeOrg(db, owner.id);
      const twice = await Promise.all([1, 2, 3].map(() => addPackageOwner(db, owner.id, packageId, same.username, "", ORIGIN)));
      expect(twice.filter((r) => r.ok)).toHaveLength(1);
      expect(twice.filter((r) => !r.ok).map((r) => !r.ok && r.error)).toEqual([M.alreadyOwner(same.username), M.alreadyOwner(same.username)]);

      // 14 owners, three organizations added at once: one becomes the 15th
      const reg = await db.packageRegistration.findUniqueOrThrow({ where: { idKey: packageId.toLowerCase() } });
      for (let i = 0; i < 12; i++) await db.packageOwner.create({ data: { registrationId: reg.id, userId: (await makeUser(db)).id } });
      const orgs = [await makeOrg(db, owner.id), await makeOrg(db, owner.id), await makeOrg(db, owner.id)];
      const racing = await Promise.all(orgs.map((o) => addPackageOwner(db, owner.id, packageId, o.username, "", ORIGIN)));
      expect(racing.filter((r) => r.ok)).toHaveLength(1);
      expect(await db.packageOwner.count({ where: { registrationId: reg.id } })).toBe(15);
    }
  });

  it("remove: never the only owner; the removed owner is mailed and the change audited", async () => {
    const db = getDb();
    const [a, b] = [await makeUser(db), await makeUser(db)];
    const packageId = await makePackage(db, [a.id, b.id]);
    expect(await removePackageOwner(db, a.id, packageId, b.username)).toEqual({ ok: true, cancelled: false, lostAccess: false });
    expect(mailsTo(b.email).find((m) => m.includes("Package ownership removal"))).toContain(`The user '${a.username}' removed you as an owner of the package '${packageId}'.`);
    expect(await removePackageOwner(db, a.id, packageId, a.username)).toEqual({ ok: false, error: "You can't remove the only owner from a package." });
    expect(await removePackageOwner(db, a.id, packageId, b.username)).toEqual({ ok: false, error: M.notOwner(b.username) });
    expect(await db.auditRecord.count({ where: { actorId: a.id, action: "RemoveOwner", target: packageId } })).toBe(1);
    // removing yourself while another owner remains: you lose access
    const c = await makeUser(db);
    const shared = await makePackage(db, [a.id, c.id]);
    expect(await removePackageOwner(db, a.id, shared, a.username)).toEqual({ ok: true, cancelled: false, lostAccess: true });
    expect(await viewPackageOwners(db, a.id, shared)).toBeNull();
  });

  it("reserved namespaces: an owner without a matching reservation cannot remove one who holds it; the verified tick follows the holders", async () => {
    const db = getDb();
    const [holder, plain, orgAdmin] = [await makeUser(db), await makeUser(db), await makeUser(db)];
    const prefix = `Contoso${randomBytes(3).toString("hex")}.`;
    await reserve(db, prefix, [holder.id]);
    const packageId = await makePackage(db, [plain.id], `${prefix.toUpperCase()}Tools`);
    const verified = async () => (await db.packageRegistration.findUniqueOrThrow({ where: { idKey: packageId.toLowerCase() }, select: { verified: true } })).verified;

    // the holder joins: the package is verified
    const r = await addPackageOwner(db, plain.id, packageId, holder.username, "", ORIGIN);
    if (!r.ok) throw new Error(r.error);
    expect(await verified()).toBe(false);
    expect(await answerOwnershipRequest(db, holder.id, packageId, holder.username, r.token!, true, ORIGIN)).toMatchObject({ ok: true });
    expect(await verified()).toBe(true);

    const view = await viewPackageOwners(db, plain.id, packageId);
    expect(view!.owners.map((o) => [o.username, o.isNamespaceOwner, o.removable])).toEqual([
      [holder.username, true, false],
      [plain.username, false, true],
    ]);
    expect(await removePackageOwner(db, plain.id, packageId, holder.username)).toEqual({
      ok: false,
      error: `The user '${plain.username}' does not have permission to remove the owner '${holder.username}'.`,
    });
    expect(await ownersOf(db, packageId)).toEqual([holder.username, plain.username].sort());

    // an administrator of an organization holding a matching exact reservation may remove the holder
    const org = await makeOrg(db, orgAdmin.id);
    await reserve(db, packageId, [org.id], false);
    expect(await addPackageOwner(db, plain.id, packageId, orgAdmin.username, "", ORIGIN)).toMatchObject({ ok: true });
    const pending = await db.packageOwnerRequest.findFirstOrThrow({ where: { newOwnerId: orgAdmin.id } });
    expect(pending).toBeTruthy();
    expect(await answerOwnershipRequest(db, orgAdmin.id, packageId, orgAdmin.username, FROM_ACCOUNT_PAGE, true, ORIGIN)).toMatchObject({ ok: true });
    expect(await removePackageOwner(db, orgAdmin.id, packageId, holder.username)).toMatchObject({ ok: true });
    // the last holder among the owners is gone: no longer verified
    expect(await verified()).toBe(false);
    // the holder may remove anyone
    await db.packageOwner.create({ data: { registrationId: pending.registrationId, userId: holder.id } });
    expect(await removePackageOwner(db, holder.id, packageId, plain.username)).toMatchObject({ ok: true });
  });

  it("decline mails the requester; the mailed cancel link needs the token and the right to manage; received requests list the user's and their administered organizations'", async () => {
    const db = getDb();
    const owner = await makeUser(db);
    const packageId = await makePackage(db, [owner.id]);
    const [invitee, orgAdmin, orgCollaborator, stranger] = [await makeUser(db), await makeUser(db), await makeUser(db), await makeUser(db)];
    const org = await makeOrg(db, orgAdmin.id);
    await join(db, orgAdmin.id, org.username, orgCollaborator, false);
    const toInvitee = await addPackageOwner(db, owner.id, packageId, invitee.username, "", ORIGIN);
    const toOrg = await addPackageOwner(db, owner.id, packageId, org.username, "", ORIGIN);
    if (!toInvitee.ok || !toOrg.ok) throw new Error("add failed");

    expect(await listReceivedOwnershipRequests(db, invitee.id)).toMatchObject([{ packageId, owner: invitee.username, isOrganization: false, requestedBy: owner.username }]);
    expect(await listReceivedOwnershipRequests(db, orgAdmin.id)).toMatchObject([{ packageId, owner: org.username, isOrganization: true, requestedBy: owner.username }]);
    expect(await listReceivedOwnershipRequests(db, orgCollaborator.id)).toEqual([]);
    expect(await listReceivedOwnershipRequests(db, stranger.id)).toEqual([]);

    expect(await answerOwnershipRequest(db, stranger.id, packageId, invitee.username, toInvitee.token!, false, ORIGIN)).toEqual({ ok: false, error: M.notYourRequest(invitee.username) });
    expect(await answerOwnershipRequest(db, invitee.id, packageId, invitee.username, toInvitee.token!, false, ORIGIN)).toEqual({ ok: true, packageId, owner: invitee.username });
    expect(mailsTo(owner.email).find((m) => m.includes("declined"))).toContain(`The user '${invitee.username}' has declined your request to add them as an owner of the package '${packageId}'.`);
    expect(await answerOwnershipRequest(db, invitee.id, packageId, invitee.username, toInvitee.token!, true, ORIGIN)).toEqual({ ok: false, error: M.requestNotFound });

    expect(await cancelOwnershipRequest(db, stranger.id, packageId, org.username, toOrg.token!)).toEqual({ ok: false, error: M.notPackageOwner });
    expect(await cancelOwnershipRequest(db, owner.id, packageId, org.username, "not-the-token")).toEqual({ ok: false, error: M.requestNotFound });
    expect(await cancelOwnershipRequest(db, owner.id, packageId, org.username, toOrg.token!)).toEqual({ ok: true, packageId, owner: org.username });
    expect(mailsTo(orgAdmin.email).some((m) => m.includes("has cancelled their request for your organization"))).toBe(true);
    expect(await requestsOf(db, packageId)).toEqual([]);
    expect(await ownersOf(db, packageId)).toEqual([owner.username]);
  });
});
