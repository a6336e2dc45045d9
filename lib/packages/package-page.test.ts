import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { strToU8, zipSync } from "fflate";
import { buildNupkg } from "@/e2e/nupkg";
import { insertTestUser } from "@/tests/api-keys";
import { describeEachDb } from "@/tests/databases";
import { joinOrganization, makeOrganization } from "@/tests/organizations";
import { parseVersion } from "@/lib/nuget/version";
import { readNuspecDetails } from "@/lib/nuget/nuspec-details";
import type { Db } from "@/lib/create-db";
import { addPackageVersion, setListed } from "./store";
import { MAX_VERSIONS_READ, VERSIONS_TABLE_SIZE, viewPackagePage } from "./package-page";

function nupkgWithReadme(id: string, version: string, readme: string, description = "A &lt;b&gt;bold&lt;/b&gt; claim &amp; more") {
  const nuspec = `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>
<id>${id}</id><version>${version}</version><title>The title</title><authors>Ann, Bob</authors>
<description>${description}</description><readme>docs\\README.md</readme></metadata></package>`;
  return zipSync({ [`${id}.nuspec`]: strToU8(nuspec), "docs/README.md": strToU8(readme) });
}

it("readNuspecDetails reads title, description, authors and the readme the nuspec names; a broken zip is null", async () => {
  const d = await readNuspecDetails(nupkgWithReadme("A.B", "1.0.0", "# Hello\n<script>alert(1)</script>"));
  expect(d).toEqual({ title: "The title", description: "A <b>bold</b> claim & more", authors: "Ann, Bob", tags: null, license: null, licenseUrl: null, readme: "# Hello\n<script>alert(1)</script>" });
  expect((await readNuspecDetails(buildNupkg({ id: "A.B", version: "1.0.0" })))?.readme).toBeNull();
  expect(await readNuspecDetails(new Uint8Array([1, 2, 3]))).toBeNull();
});

describeEachDb("viewPackagePage", (getDb) => {
  const dir = mkdtempSync(path.join(tmpdir(), "pkgpage-"));
  const id = `Page${randomBytes(3).toString("hex")}.Lib`;
  let owner: { id: string; username: string };
  let stranger: { id: string; username: string };
  let orgAdmin: { id: string; username: string };
  let orgCollaborator: { id: string; username: string };

  async function push(db: Db, version: string, bytes: Uint8Array, registrationId: string | null, ownerId: string) {
    const r = await addPackageVersion(db, { registrationId, packageId: id, ownerId, version: parseVersion(version)!, bytes, pushedById: owner.id, pushedByKeyId: null, pushedByKeyName: null }, dir);
    if (r.status !== "created") throw new Error(r.status);
    return r;
  }

  beforeAll(async () => {
    const db = getDb();
    owner = await insertTestUser(db);
    stranger = await insertTestUser(db);
    orgAdmin = await insertTestUser(db);
    orgCollaborator = await insertTestUser(db);
    const org = await makeOrganization(db, orgAdmin.id);
    await joinOrganization(db, orgAdmin.id, org.username, orgCollaborator, false);
    const first = await push(db, "1.0.0", nupkgWithReadme(id, "1.0.0", "readme one"), null, owner.id);
    await push(db, "1.1.0", buildNupkg({ id, version: "1.1.0" }), first.registrationId, owner.id);
    const hidden = await push(db, "2.0.0", buildNupkg({ id, version: "2.0.0" }), first.registrationId, owner.id);
    await setListed(db, hidden.versionId, false);
    await push(db, "2.1.0-beta", buildNupkg({ id, version: "2.1.0-beta" }), first.registrationId, owner.id);
    await db.packageOwner.create({ data: { registrationId: first.registrationId, userId: org.id } });
  });

  it("shows others the listed versions, newest first, at the latest listed stable version, without Manage", async () => {
    const view = await viewPackagePage(getDb(), id.toUpperCase(), null, stranger.id, dir);
    expect(view).toMatchObject({ packageId: id, version: { version: "1.1.0", listed: true }, isLatest: true, canManage: false, versionCount: 3 });
    expect(view!.versions.map((v) => v.version)).toEqual(["2.1.0-beta", "1.1.0", "1.0.0"]);
    expect(view!.details).toMatchObject({ description: `Test package ${id}`, authors: "e2e", readme: null });
    expect(await viewPackagePage(getDb(), id, null, null, dir)).toMatchObject({ canManage: false, versionCount: 3 });
  });

  it("answers an unlisted version like a missing one for others, and shows it to owners and organization administrators", async () => {
    const db = getDb();
    for (const viewer of [stranger.id, orgCollaborator.id, null]) expect(await viewPackagePage(db, id, "2.0.0", viewer, dir)).toBeNull();
    for (const viewer of [owner.id, orgAdmin.id]) {
      const view = await viewPackagePage(db, id, "2.0", viewer, dir);
      expect(view).toMatchObject({ version: { version: "2.0.0", listed: false }, isLatest: false, canManage: true, versionCount: 4 });
      expect(view!.versions.map((v) => [v.version, v.listed])).toContainEqual(["2.0.0", false]);
    }
  });

  it("reads the version's own nuspec and readme", async () => {
    const view = await viewPackagePage(getDb(), id, "1.0.0", null, dir);
    expect(view!.details).toMatchObject({ title: "The title", readme: "readme one", authors: "Ann, Bob" });
    expect(view!.owners.map((o) => o.username)).toContain(owner.username);
  });

  it("is null for an unknown id or version and for crafted input", async () => {
    const db = getDb();
    for (const [pkg, version] of [[`${id}.Nope`, null], [id, "9.9.9"], [id, "not a version"], ["", null], ["x".repeat(201), null], [id, "1.0.0+meta/../.."]] as const) {
      expect(await viewPackagePage(db, pkg, version, owner.id, dir), `${pkg} ${version}`).toBeNull();
    }
  });

  it("hides an id whose versions are all unlisted from others", async () => {
    const db = getDb();
    const lone = `${id}.Lone`;
    const r = await addPackageVersion(db, { registrationId: null, packageId: lone, ownerId: owner.id, version: parseVersion("1.0.0")!, bytes: buildNupkg({ id: lone, version: "1.0.0" }), pushedById: owner.id, pushedByKeyId: null, pushedByKeyName: null }, dir);
    if (r.status !== "created") throw new Error(r.status);
    await setListed(db, r.versionId, false);
    expect(await viewPackagePage(db, lone, null, stranger.id, dir)).toBeNull();
    expect(await viewPackagePage(db, lone, null, owner.id, dir)).toMatchObject({ version: { version: "1.0.0", listed: false }, canManage: true });
  });

  it("reads at most MAX_VERSIONS_READ versions, counts them all, and still finds an old one asked for", async () => {
    const db = getDb();
    const many = `${id}.Many`;
    const reg = await db.packageRegistration.create({ data: { packageId: many, idKey: many.toLowerCase(), owners: { create: { userId: owner.id } } } });
    const t0 = Date.now() - 10 * MAX_VERSIONS_READ * 1000;
    await db.packageVersion.createMany({
      data: Array.from({ length: MAX_VERSIONS_READ + 5 }, (_, i) => ({ registrationId: reg.id, version: `1.0.${i}`, versionKey: `1.0.${i}`, size: 1, sha512: "x", pushedAt: new Date(t0 + i * 1000) })),
    });
    const view = await viewPackagePage(db, many, null, null, dir);
    expect(view).toMatchObject({ versionCount: MAX_VERSIONS_READ + 5, version: { version: `1.0.${MAX_VERSIONS_READ + 4}` } });
    expect(view!.versions).toHaveLength(VERSIONS_TABLE_SIZE);
    expect(await viewPackagePage(db, many, "1.0.0", null, dir)).toMatchObject({ version: { version: "1.0.0" }, isLatest: false });
  });
});
