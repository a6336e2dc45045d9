import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import type { Db } from "@/lib/create-db";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { compareVersions, listOwnedPackages, PAGE_SIZE, readListingQuery, VERSIONS_SHOWN } from "./listing";

const DAY = 86_400_000;

async function registration(db: Db, packageId: string, ownerIds: string[], versions: { version: string; listed?: boolean; pushedById?: string; keyId?: string; keyName?: string; pushedAt?: Date }[]) {
  return db.packageRegistration.create({
    data: {
      packageId,
      idKey: packageId.toLowerCase(),
      owners: { create: ownerIds.map((userId) => ({ userId })) },
      versions: {
        create: versions.map((v, i) => ({
          version: v.version,
          versionKey: v.version.toLowerCase(),
          listed: v.listed ?? true,
          size: 1000 + i,
          sha512: "x",
          pushedAt: v.pushedAt ?? new Date(Date.now() - (versions.length - i) * 1000),
          pushedById: v.pushedById,
          pushedByKeyId: v.keyId,
          pushedByKeyName: v.keyName,
        })),
      },
    },
  });
}

describe("compareVersions", () => {
  it("orders by SemVer 2.0 precedence", () => {
    const sorted = ["1.0.0", "1.0.0-beta.11", "1.0.0-beta.2", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-rc.1", "2.0.0", "1.10.0", "1.2.0", "1.0.0.1"].sort(compareVersions);
    expect(sorted).toEqual(["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.0.1", "1.2.0", "1.10.0", "2.0.0"]);
    expect(compareVersions("1.0.0-BETA", "1.0.0-beta")).toBe(0);
  });
});

describe("readListingQuery", () => {
  it("reads page, filter and search, and falls back to the defaults on anything else", () => {
    expect(readListingQuery({ page: "3", filter: "unlisted", q: " Contoso ", owner: " Org.A " })).toEqual({ page: 3, filter: "unlisted", q: "Contoso", owner: "Org.A" });
    expect(readListingQuery({})).toEqual({ page: 1, filter: "all", q: "", owner: "" });
    expect(readListingQuery({ page: "-1", filter: "nope", q: "x".repeat(500), owner: "y".repeat(65) })).toEqual({ page: 1, filter: "all", q: "", owner: "" });
    expect(readListingQuery({ page: ["2", "5"], filter: ["listed"], q: "1e3" })).toEqual({ page: 2, filter: "listed", q: "1e3", owner: "" });
    expect(readListingQuery({ page: "2.5" }).page).toBe(1);
  });
});

describeEachDb("listOwnedPackages", (getDb) => {
  let me: { id: string; username: string };
  let other: { id: string; username: string };
  const tag = randomBytes(3).toString("hex");
  const ids = { alpha: `Contoso.Alpha${tag}`, beta: `Contoso.Beta${tag}`, shared: `Fabrikam.Shared${tag}`, hidden: `Contoso.Hidden${tag}`, theirs: `Contoso.Theirs${tag}` };
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    const db = getDb();
    me = await insertTestUser(db);
    other = await insertTestUser(db);
    keys.glob = (await insertTestKey(db, { userId: me.id, name: "contoso glob", scopes: [["package:push", "Contoso.*"], ["package:unlist", "*"]] })).id;
    keys.exact = (await insertTestKey(db, { userId: me.id, name: "beta only", scopes: [["package:pushversion", ids.beta]] })).id;
    keys.unlistOnly = (await insertTestKey(db, { userId: me.id, name: "unlist all", scopes: [["package:unlist", "*"]] })).id;
    keys.expired = (await insertTestKey(db, { userId: me.id, name: "expired", scopes: [["package:push", "*"]], expiresAt: new Date(Date.now() - DAY) })).id;
    keys.revoked = (await insertTestKey(db, { userId: me.id, name: "revoked", scopes: [["package:push", "*"]], revokedAt: new Date() })).id;
    keys.forOther = (await insertTestKey(db, { userId: me.id, name: "acts for other", scopes: [["package:push", "*"]], ownerId: other.id })).id;
    keys.theirs = (await insertTestKey(db, { userId: other.id, name: "their key", scopes: [["package:push", "*"]] })).id;
    const gone = await insertTestKey(db, { userId: me.id, name: "old CI key", scopes: [["package:push", "*"]] });

    await registration(db, ids.alpha, [me.id], [
      { version: "1.0.0", pushedById: me.id, keyId: keys.glob, keyName: "contoso glob" },
      { version: "1.10.0", pushedById: me.id, keyId: gone.id, keyName: "old CI key" },
      { version: "1.2.0", listed: false, pushedById: me.id },
    ]);
    await registration(db, ids.beta, [me.id], [
      { version: "2.0.0-beta.1", listed: false, pushedById: me.id, keyId: keys.exact, keyName: "beta only" },
      { version: "1.5.0-rc.1", listed: false },
    ]);
    await registration(db, ids.shared, [me.id, other.id], [{ version: "1.0.0", pushedById: other.id, keyId: keys.theirs, keyName: "their key" }]);
    await registration(db, ids.hidden, [me.id], [{ version: "0.1.0", listed: false }]);
    await registration(db, ids.theirs, [other.id], [{ version: "1.0.0" }]);
    await db.apiKey.delete({ where: { id: gone.id } });
  });

  it("lists only the packages the user owns, sorted by id, with owners and counts", async () => {
    const l = await listOwnedPackages(getDb(), me.id);
    expect(l.packages.map((p) => p.packageId)).toEqual([ids.alpha, ids.beta, ids.hidden, ids.shared]);
    expect(l.total).toBe(4);
    expect(l.listedCount).toBe(2);
    expect(l.unlistedCount).toBe(2);
    const shared = l.packages.find((p) => p.packageId === ids.shared)!;
    expect(shared.owners).toEqual([me.username, other.username].sort((a, b) => a.localeCompare(b)));
    expect((await listOwnedPackages(getDb(), other.id)).packages.map((p) => p.packageId)).toEqual([ids.theirs, ids.shared]);
  });

  it("takes the newest listed stable version as the latest, a pre-release only when nothing stable is listed", async () => {
    const db = getDb();
    const u = await insertTestUser(db);
    await registration(db, `Latest.${tag}`, [u.id], [{ version: "1.0.0" }, { version: "1.1.0", listed: false }, { version: "2.0.0-beta.1" }]);
    expect((await listOwnedPackages(db, u.id)).packages[0].latestVersion).toBe("1.0.0");
  });

  it("a package with more versions than are shown takes its listed state and latest version from all of them", async () => {
    const db = getDb();
    const u = await insertTestUser(db);
    // 60 versions, only the first pushed (1.0.0) listed: it is not among the newest 50
    await registration(db, `Many.${tag}`, [u.id], Array.from({ length: 60 }, (_, i) => ({ version: `1.0.${i}`, listed: i === 0 })));
    const l = await listOwnedPackages(db, u.id);
    expect(l.listedCount).toBe(1);
    expect(l.packages[0]).toMatchObject({ listed: true, latestVersion: "1.0.0", versionCount: 60 });
    expect(l.packages[0].versions).toHaveLength(VERSIONS_SHOWN);
  });

  it("shows versions newest first with who pushed them, with which key, and a deleted key", async () => {
    const alpha = (await listOwnedPackages(getDb(), me.id)).packages.find((p) => p.packageId === ids.alpha)!;
    expect(alpha.versions.map((v) => v.version)).toEqual(["1.10.0", "1.2.0", "1.0.0"]);
    expect(alpha.latestVersion).toBe("1.10.0");
    const beta = (await listOwnedPackages(getDb(), me.id)).packages.find((p) => p.packageId === ids.beta)!;
    expect(beta.latestVersion).toBe("2.0.0-beta.1");
    expect(alpha.versionCount).toBe(3);
    expect(alpha.listed).toBe(true);
    const [v110, v120, v100] = alpha.versions;
    expect(v110).toMatchObject({ pushedBy: me.username, keyName: "old CI key", keyDeleted: true, listed: true });
    expect(v120).toMatchObject({ listed: false, keyName: null, keyDeleted: false });
    expect(v100).toMatchObject({ keyName: "contoso glob", keyDeleted: false, size: 1000 });
  });

  it("names the user's usable keys that can push each package, and only those", async () => {
    const l = await listOwnedPackages(getDb(), me.id);
    const byId = Object.fromEntries(l.packages.map((p) => [p.packageId, p.pushKeys.map((k) => `${k.name}:${k.action}`)]));
    // the glob key (push, Contoso.*) and the exact pushversion key; never expired, revoked,
    // unlist-only, someone else's key, or a key acting for another owner (the push check
    // refuses those until organizations exist)
    expect(byId[ids.alpha]).toEqual(["contoso glob:package:push"]);
    expect(byId[ids.beta]).toEqual(["beta only:package:pushversion", "contoso glob:package:push"]);
    expect(byId[ids.hidden]).toEqual(["contoso glob:package:push"]);
    expect(byId[ids.shared]).toEqual([]);
  });

  it("the account filter lists an organization's packages, with the user's keys that act for it", async () => {
    const db = getDb();
    const u = await insertTestUser(db);
    const org = await insertTestUser(db);
    await db.user.update({ where: { id: org.id }, data: { isOrganization: true } });
    await insertTestKey(db, { userId: u.id, name: "org key", scopes: [["package:push", "*"]], ownerId: org.id });
    await insertTestKey(db, { userId: u.id, name: "own key", scopes: [["package:push", "*"]] });
    await registration(db, `OrgOwned.${tag}`, [org.id], [{ version: "1.0.0" }]);
    await registration(db, `UserOwned.${tag}`, [u.id], [{ version: "1.0.0" }]);
    const asOrg = await listOwnedPackages(db, u.id, {}, new Date(), org.id);
    expect(asOrg.packages.map((p) => [p.packageId, p.pushKeys.map((k) => k.name)])).toEqual([[`OrgOwned.${tag}`, ["org key"]]]);
    const own = await listOwnedPackages(db, u.id);
    expect(own.packages.map((p) => [p.packageId, p.pushKeys.map((k) => k.name)])).toEqual([[`UserOwned.${tag}`, ["own key"]]]);
  });

  it("drops keys whose owner is locked or unconfirmed", async () => {
    const db = getDb();
    const u = await insertTestUser(db, { confirmed: false });
    await insertTestKey(db, { userId: u.id, name: "unconfirmed", scopes: [["package:push", "*"]] });
    await registration(db, `Unconfirmed.${tag}`, [u.id], [{ version: "1.0.0" }]);
    expect((await listOwnedPackages(db, u.id)).packages[0].pushKeys).toEqual([]);
    await db.user.update({ where: { id: u.id }, data: { emailConfirmedAt: new Date(), locked: true } });
    expect((await listOwnedPackages(db, u.id)).packages[0].pushKeys).toEqual([]);
    await db.user.update({ where: { id: u.id }, data: { locked: false } });
    expect((await listOwnedPackages(db, u.id)).packages[0].pushKeys.map((k) => k.name)).toEqual(["unconfirmed"]);
  });

  it("an id with no versions yet is in All, neither Published nor Unlisted", async () => {
    const db = getDb();
    const u = await insertTestUser(db);
    await registration(db, `Empty.${tag}`, [u.id], []);
    await registration(db, `Hidden.Only.${tag}`, [u.id], [{ version: "1.0.0", listed: false }]);
    expect(await listOwnedPackages(db, u.id)).toMatchObject({ total: 2, allCount: 2, listedCount: 0, unlistedCount: 1 });
    const unlisted = await listOwnedPackages(db, u.id, { filter: "unlisted" });
    expect(unlisted.packages.map((p) => p.packageId)).toEqual([`Hidden.Only.${tag}`]);
    expect(unlisted.allCount).toBe(2);
    // the page's "you don't own any packages yet" reads allCount on every tab
    expect(await listOwnedPackages(db, u.id, { filter: "listed" })).toMatchObject({ packages: [], allCount: 2 });
  });

  it("filters by listed state and by part of the id, case-insensitively", async () => {
    const db = getDb();
    expect((await listOwnedPackages(db, me.id, { filter: "listed" })).packages.map((p) => p.packageId)).toEqual([ids.alpha, ids.shared]);
    expect((await listOwnedPackages(db, me.id, { filter: "unlisted" })).packages.map((p) => p.packageId)).toEqual([ids.beta, ids.hidden]);
    const found = await listOwnedPackages(db, me.id, { q: ` contoso.BETA${tag.toUpperCase()} ` });
    expect(found.packages.map((p) => p.packageId)).toEqual([ids.beta]);
    expect(found).toMatchObject({ total: 1, listedCount: 0, unlistedCount: 1 });
    expect((await listOwnedPackages(db, me.id, { q: "no-such" })).packages).toEqual([]);
  });

  it("pages through many packages and clamps the page number", async () => {
    const db = getDb();
    const u = await insertTestUser(db);
    const n = PAGE_SIZE * 2 + 3;
    for (let i = 0; i < n; i++) await registration(db, `Many.${String(i).padStart(4, "0")}`, [u.id], [{ version: "1.0.0" }]);
    const p1 = await listOwnedPackages(db, u.id);
    expect(p1).toMatchObject({ page: 1, pageCount: 3, total: n });
    expect(p1.packages).toHaveLength(PAGE_SIZE);
    const p3 = await listOwnedPackages(db, u.id, { page: 3 });
    expect(p3.packages.map((p) => p.packageId)).toEqual([`Many.0100`, `Many.0101`, `Many.0102`]);
    expect((await listOwnedPackages(db, u.id, { page: 99 })).page).toBe(3);
    expect((await listOwnedPackages(db, u.id, { page: -4 })).page).toBe(1);
    expect((await listOwnedPackages(db, u.id, { page: Number.NaN })).page).toBe(1);
  });
});
