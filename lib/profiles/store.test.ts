import { beforeAll, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { describeEachDb } from "@/tests/databases";
import { insertTestUser } from "@/tests/api-keys";
import { joinOrganization, makeOrganization } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { PROFILE_PAGE_SIZE, readProfilePage, viewProfile } from "./store";

async function registration(db: Db, packageId: string, ownerIds: string[], versions: { version: string; listed?: boolean }[]) {
  return db.packageRegistration.create({
    data: {
      packageId,
      idKey: packageId.toLowerCase(),
      owners: { create: ownerIds.map((userId) => ({ userId })) },
      versions: {
        create: versions.map((v, i) => ({ version: v.version, versionKey: v.version.toLowerCase(), listed: v.listed ?? true, size: 100, sha512: "x", pushedAt: new Date(Date.now() - (versions.length - i) * 1000) })),
      },
    },
  });
}

it("readProfilePage falls back to page 1 on anything unusable", () => {
  expect(readProfilePage({ page: "3" })).toBe(3);
  expect(readProfilePage({})).toBe(1);
  for (const page of ["-1", "0", "2.5", "abc", "1e9", "99999999999"]) expect(readProfilePage({ page }), page).toBe(1);
  expect(readProfilePage({ page: ["2", "4"] })).toBe(2);
});

describeEachDb("viewProfile", (getDb) => {
  const tag = randomBytes(3).toString("hex");
  let owner: { id: string; username: string };
  let stranger: { id: string; username: string };
  let collaborator: { id: string; username: string };
  let org: { id: string; username: string };

  beforeAll(async () => {
    const db = getDb();
    owner = await insertTestUser(db);
    stranger = await insertTestUser(db);
    collaborator = await insertTestUser(db);
    // PROFILE_PAGE_SIZE + 5 listed packages, one with only unlisted versions, one with 2.0.0-beta newest
    for (let i = 0; i < PROFILE_PAGE_SIZE + 5; i++) await registration(db, `Prof${tag}.P${String(i).padStart(3, "0")}`, [owner.id], [{ version: "1.0.0" }]);
    await registration(db, `Prof${tag}.Hidden`, [owner.id], [{ version: "1.0.0", listed: false }]);
    await registration(db, `Prof${tag}.A.Pre`, [owner.id], [{ version: "1.2.0" }, { version: "2.0.0-beta" }, { version: "3.0.0", listed: false }]);
    org = await makeOrganization(db, owner.id);
    await joinOrganization(db, owner.id, org.username, collaborator, false);
    await registration(db, `Prof${tag}.OrgListed`, [org.id], [{ version: "1.0.0" }]);
    await registration(db, `Prof${tag}.OrgHidden`, [org.id], [{ version: "1.0.0", listed: false }]);
  });

  it("pages the packages, bounded: a page past the end is the last one, and each page holds at most the page size", async () => {
    const db = getDb();
    const first = await viewProfile(db, owner.username.toUpperCase(), stranger.id, 1);
    expect(first).toMatchObject({ username: owner.username, isOrganization: false, totalPackages: PROFILE_PAGE_SIZE + 6, page: 1, pageCount: 2, memberCounts: null, canEdit: false });
    expect(first!.packages).toHaveLength(PROFILE_PAGE_SIZE);
    const last = await viewProfile(db, owner.username, stranger.id, 1_000_000);
    expect(last!.page).toBe(2);
    expect(last!.packages).toHaveLength(6);
    expect(last!.packages.map((p) => p.packageId)).not.toContain(`Prof${tag}.Hidden`);
  });

  it("shows others the listed packages only, and the latest listed stable version", async () => {
    const db = getDb();
    const anonymous = await viewProfile(db, owner.username, null, 1);
    expect(anonymous!.packages.map((p) => p.packageId)).not.toContain(`Prof${tag}.Hidden`);
    expect(anonymous!.packages.find((p) => p.packageId === `Prof${tag}.A.Pre`)).toMatchObject({ latestVersion: "1.2.0", listed: true });
  });

  it("shows the account itself its unlisted packages, marked", async () => {
    const mine = await viewProfile(getDb(), owner.username, owner.id, 1);
    expect(mine).toMatchObject({ totalPackages: PROFILE_PAGE_SIZE + 7, canEdit: true });
    expect(mine!.packages.find((p) => p.packageId === `Prof${tag}.Hidden`)).toMatchObject({ listed: false, latestVersion: "1.0.0" });
  });

  it("shows an organization's member counts to its members only, and its unlisted packages to its administrators only", async () => {
    const db = getDb();
    const asAdmin = await viewProfile(db, org.username, owner.id);
    expect(asAdmin).toMatchObject({ isOrganization: true, memberCounts: { administrators: 1, collaborators: 1 }, canEdit: true, totalPackages: 2 });
    const asCollaborator = await viewProfile(db, org.username, collaborator.id);
    expect(asCollaborator).toMatchObject({ memberCounts: { administrators: 1, collaborators: 1 }, canEdit: true, totalPackages: 1 });
    const asStranger = await viewProfile(db, org.username, stranger.id);
    expect(asStranger).toMatchObject({ memberCounts: null, canEdit: false, totalPackages: 1 });
    expect(asStranger!.packages.map((p) => p.packageId)).toEqual([`Prof${tag}.OrgListed`]);
  });

  it("is null for an unknown account, a deleted organization and crafted names", async () => {
    const db = getDb();
    const gone = await makeOrganization(db, owner.id);
    await db.user.update({ where: { id: gone.id }, data: { deletedAt: new Date() } });
    expect(await viewProfile(db, gone.username, owner.id)).toBeNull();
    expect(await viewProfile(db, `nobody_${tag}`, null)).toBeNull();
    expect(await viewProfile(db, "", null)).toBeNull();
    expect(await viewProfile(db, "x".repeat(65), null)).toBeNull();
    expect(await viewProfile(db, "%", null)).toBeNull();
  });
});
