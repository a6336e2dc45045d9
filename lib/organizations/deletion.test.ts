import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey } from "@/tests/api-keys";
import { joinOrganization as join, makeOrganization as makeOrg, TEST_ORIGIN as ORIGIN } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { registerUser } from "@/lib/accounts/registration";
import { listOwners } from "@/lib/api-keys/store";
import { deleteOrganization, deleteRequestView, deletionFlash, DELETE_MESSAGES } from "./deletion";
import { organizationSettings } from "./settings";
import { createOrganization, inviteMember, listMemberOrganizations, listOrganizationRows, viewOrganization } from "./store";

process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "org-delete-mail-"));
delete process.env.SMTP_URL;

const name = (prefix: string) => `${prefix}_${randomBytes(5).toString("hex")}`;

async function makeUser(db: Db) {
  const username = name("u");
  return db.user.create({ data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: new Date() } });
}

async function makePackage(db: Db, ownerIds: string[], id = `Pkg.${randomBytes(4).toString("hex")}`) {
  return db.packageRegistration.create({ data: { packageId: id, idKey: id.toLowerCase(), owners: { create: ownerIds.map((userId) => ({ userId })) } } });
}

async function reserve(db: Db, value: string, ownerIds: string[]) {
  return db.reservedNamespace.create({ data: { value, valueKey: value.toLowerCase(), isPrefix: true, owners: { create: ownerIds.map((userId) => ({ userId })) } } });
}

describeEachDb("deleting an organization", (getDb) => {
  it("administrators only: the page and the POST answer 404 to a collaborator, an outsider and a person's or another organization's name", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const collaborator = await makeUser(db);
    const outsider = await makeUser(db);
    const org = await makeOrg(db, admin.id);
    await join(db, admin.id, org.username, collaborator, false);
    const theirs = await makeOrg(db, outsider.id);
    for (const [actor, target] of [[collaborator.id, org.username], [outsider.id, org.username], [admin.id, theirs.username], [admin.id, admin.username], [admin.id, name("NoSuch")]] as const) {
      expect(await deleteRequestView(db, actor, target)).toBeNull();
      expect(await deleteOrganization(db, actor, target)).toEqual({ ok: false, status: 404 });
    }
    expect(await db.user.count({ where: { id: { in: [org.id, theirs.id] }, deletedAt: null } })).toBe(2);
  });

  it("blocked by another member, then by a package it owns alone; re-checked on the POST with nuget.org's texts", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const other = await makeUser(db);
    const org = await makeOrg(db, admin.id);
    await join(db, admin.id, org.username, other, false);
    const sole = await makePackage(db, [org.id], "Sole.Owned");
    expect(await deleteRequestView(db, admin.id, org.username.toLowerCase())).toEqual({
      username: org.username,
      soleOwnedPackages: ["Sole.Owned"],
      otherMembers: [{ username: other.username, isAdmin: false }],
    });
    expect(await deleteOrganization(db, admin.id, org.username)).toEqual({ ok: false, status: 400, error: DELETE_MESSAGES.soleOwner });
    await db.packageOwner.create({ data: { registrationId: sole.id, userId: admin.id } });
    expect(await deleteOrganization(db, admin.id, org.username)).toEqual({ ok: false, status: 400, error: DELETE_MESSAGES.otherMembers });
    expect(DELETE_MESSAGES.otherMembers).toBe("You cannot delete your organization unless you remove all other members.");
    expect(await db.membership.count({ where: { organizationId: org.id } })).toBe(2);
    expect(await db.packageOwner.count({ where: { userId: org.id } })).toBe(1);
  });

  it("a confirmed organization: every effect of §12, its keys deleted whoever made them, then soft-deleted with its name taken for good", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const former = await makeUser(db);
    const coOwner = await makeUser(db);
    const org = await makeOrg(db, admin.id);
    await join(db, admin.id, org.username, former, false);
    // a key made by a member who has left since, and the administrator's own
    const formerKey = await insertTestKey(db, { userId: former.id, ownerId: org.id });
    await db.membership.delete({ where: { organizationId_memberId: { organizationId: org.id, memberId: former.id } } });
    const adminKey = await insertTestKey(db, { userId: admin.id, ownerId: org.id });
    const personalKey = await insertTestKey(db, { userId: admin.id });
    // a co-owned package, verified through the organization's reservation only
    const prefix = `Org${randomBytes(3).toString("hex")}.`;
    const shared = await makePackage(db, [org.id, coOwner.id], `${prefix}Shared`);
    await db.packageRegistration.update({ where: { id: shared.id }, data: { verified: true } });
    const alone = await reserve(db, prefix, [org.id]);
    const together = await reserve(db, `Both${randomBytes(3).toString("hex")}.`, [org.id, coOwner.id]);
    const invitee = await makeUser(db);
    await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN);
    await db.packageOwnerRequest.create({ data: { registrationId: shared.id, newOwnerId: invitee.id, requestingOwnerId: org.id, tokenHash: randomBytes(16).toString("hex") } });

    const result = await deleteOrganization(db, admin.id, org.username, "203.0.113.9");
    expect(result).toEqual({ ok: true, organization: org.username, soft: true });
    expect(await db.apiKey.findMany({ where: { id: { in: [formerKey.id, adminKey.id, personalKey.id] } }, select: { id: true } })).toEqual([{ id: personalKey.id }]);
    expect(await db.packageOwner.findMany({ where: { registrationId: shared.id }, select: { userId: true } })).toEqual([{ userId: coOwner.id }]);
    expect((await db.packageRegistration.findUniqueOrThrow({ where: { id: shared.id } })).verified).toBe(false);
    expect(await db.reservedNamespace.count({ where: { id: alone.id } })).toBe(0);
    expect(await db.reservedNamespaceOwner.findMany({ where: { namespaceId: together.id }, select: { userId: true } })).toEqual([{ userId: coOwner.id }]);
    expect(await db.membership.count({ where: { organizationId: org.id } })).toBe(0);
    expect(await db.membershipRequest.count({ where: { organizationId: org.id } })).toBe(0);
    expect(await db.packageOwnerRequest.count({ where: { requestingOwnerId: org.id } })).toBe(0);
    const row = await db.user.findUniqueOrThrow({ where: { id: org.id } });
    expect(row.deletedAt).not.toBeNull();
    expect(row.email).not.toBe(org.email);
    expect(await db.auditRecord.count({ where: { actorId: admin.id, action: "DeleteAccount", target: org.username } })).toBe(1);

    // gone everywhere
    expect(await viewOrganization(db, admin.id, org.username)).toBeNull();
    expect(await organizationSettings(db, admin.id, org.username)).toBeNull();
    expect(await deleteRequestView(db, admin.id, org.username)).toBeNull();
    expect(await listMemberOrganizations(db, admin.id)).toEqual([]);
    expect(await listOrganizationRows(db, admin.id)).toEqual([]);
    expect(await listOrganizationRows(db, invitee.id)).toEqual([]);
    expect((await listOwners(db, admin.id)).map((o) => o.username)).toEqual([admin.username]);
    expect(await inviteMember(db, admin.id, org.username, invitee.username, false, ORIGIN)).toMatchObject({ ok: false, status: 403 });
    // the name is never reused, by an organization or a person; the address is free again
    const upper = org.username.toUpperCase();
    expect(await createOrganization(db, admin.id, { organizationName: upper, emailAddress: `${name("x")}@org.test` }, ORIGIN)).toEqual({ ok: false, status: 400, error: `The username '${upper}' is not available.` });
    const reg = await registerUser(db, { username: org.username, email: `${name("y")}@example.test`, password: "a-long-password-1" });
    expect(reg).toMatchObject({ ok: false });
    expect(JSON.stringify(reg)).toContain(`The username '${org.username}' is not available.`);
    expect(await createOrganization(db, admin.id, { organizationName: name("Again"), emailAddress: org.email }, ORIGIN)).toMatchObject({ ok: true });
    // the success message: only for the one who deleted it, only for that name
    expect(await deletionFlash(db, admin.id, org.username)).toBe(`Your organization, '${org.username}', was successfully deleted!`);
    expect(await deletionFlash(db, invitee.id, org.username)).toBeNull();
    expect(await deletionFlash(db, admin.id, "SomethingElse")).toBeNull();
    expect(await deletionFlash(db, admin.id, org.username, new Date(Date.now() + 60 * 60_000))).toBeNull();
  });

  it("an unconfirmed organization is deleted outright: its name can be registered again", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const org = await makeOrg(db, admin.id, { confirmed: false });
    const key = await insertTestKey(db, { userId: admin.id, ownerId: org.id });
    expect(await deleteOrganization(db, admin.id, org.username)).toEqual({ ok: true, organization: org.username, soft: false });
    expect(await db.user.count({ where: { id: org.id } })).toBe(0);
    expect(await db.apiKey.count({ where: { id: key.id } })).toBe(0);
    expect(await createOrganization(db, admin.id, { organizationName: org.username, emailAddress: org.email }, ORIGIN)).toMatchObject({ ok: true });
  });

  it("two deletes at once: one succeeds, the other finds nothing", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const org = await makeOrg(db, admin.id);
    const results = await Promise.all([deleteOrganization(db, admin.id, org.username), deleteOrganization(db, admin.id, org.username)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, status: 404 }]);
    expect(await db.auditRecord.count({ where: { action: "DeleteAccount", target: org.username } })).toBe(1);
  });
});
