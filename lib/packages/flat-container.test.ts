import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildNupkg, nuspecXml } from "@/e2e/nupkg";
import { insertTestUser } from "@/tests/api-keys";
import { describeEachDb } from "@/tests/databases";
import { parseVersion } from "@/lib/nuget/version";
import { findFlatFile, listFlatVersions, readStoredNuspec } from "./flat-container";
import { readSearchQuery, searchPackages, MAX_QUERY_LENGTH, MAX_SKIP, MAX_TAKE, type SearchQuery } from "./search";
import { addPackageVersion, findPackage, setListed } from "./store";

describe("readSearchQuery", () => {
  const read = (qs: string) => readSearchQuery(new URLSearchParams(qs));
  it("reads q, skip, take and prerelease; bad numbers fall back, large ones are capped", () => {
    expect(read("q=%20Contoso%20&skip=5&take=7&prerelease=true")).toEqual({ ok: true, query: { q: "Contoso", skip: 5, take: 7, prerelease: true } });
    expect(read("")).toEqual({ ok: true, query: { q: "", skip: 0, take: 20, prerelease: false } });
    expect(read("skip=-1&take=abc")).toEqual({ ok: true, query: { q: "", skip: 0, take: 20, prerelease: false } });
    expect(read("skip=99999999999&take=1e3")).toEqual({ ok: true, query: { q: "", skip: 0, take: 20, prerelease: false } });
    expect(read(`skip=${MAX_SKIP + 1}&take=5000`)).toEqual({ ok: true, query: { q: "", skip: MAX_SKIP, take: MAX_TAKE, prerelease: false } });
  });
  it("refuses an over-long query", () => {
    expect(read(`q=${"a".repeat(MAX_QUERY_LENGTH)}`).ok).toBe(true);
    expect(read(`q=${"a".repeat(MAX_QUERY_LENGTH + 1)}`)).toEqual({ ok: false, reason: `The query is longer than ${MAX_QUERY_LENGTH} characters.` });
  });
});

describeEachDb("flat container and search", (getDb) => {
  let dir: string;
  let owner: { id: string };
  const tag = Math.random().toString(36).slice(2, 8);
  // the tag begins a word of each id: search matches word prefixes
  const ids = { app: `Flat.${tag}App`, lib: `Flat.${tag}Lib`, pre: `Flat.${tag}Pre`, hidden: `Flat.${tag}Hidden`, under: `Flat_Under.${tag}` };

  async function pushVersion(id: string, version: string) {
    const db = getDb();
    const existing = await findPackage(db, id, {}, dir);
    const r = await addPackageVersion(
      db,
      {
        registrationId: existing?.registrationId ?? null,
        packageId: id,
        ownerId: owner.id,
        version: parseVersion(version)!,
        bytes: buildNupkg({ id, version }),
        pushedById: owner.id,
        pushedByKeyId: null,
        pushedByKeyName: "ci",
      },
      dir,
    );
    if (r.status !== "created") throw new Error(r.status);
    return r.versionId;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "flat-"));
    owner = await insertTestUser(getDb());
    await pushVersion(ids.app, "1.0.0");
    await pushVersion(ids.app, "1.10.0");
    await pushVersion(ids.app, "1.2.0-Beta");
    const unlisted = await pushVersion(ids.app, "1.9.0");
    await setListed(getDb(), unlisted, false, dir);
    await pushVersion(ids.lib, "2.0.0");
    await pushVersion(ids.pre, "0.1.0-alpha");
    await setListed(getDb(), await pushVersion(ids.hidden, "1.0.0"), false, dir);
    await pushVersion(ids.under, "1.0.0");
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it("lists every version of an id, unlisted too, lower-cased, in SemVer order, whatever the id's case", async () => {
    const expected = ["1.0.0", "1.2.0-beta", "1.9.0", "1.10.0"];
    expect(await listFlatVersions(getDb(), ids.app)).toEqual(expected);
    expect(await listFlatVersions(getDb(), ids.app.toUpperCase())).toEqual(expected);
    expect(await listFlatVersions(getDb(), ids.hidden)).toEqual(["1.0.0"]);
  });

  it("answers null for unknown and crafted ids", async () => {
    for (const id of [`Flat.Nope${tag}`, "..", "../etc", "%2e%2e", "a/b", "a\\b", ".pushing", "", "x".repeat(101), `${ids.app}\0`]) {
      expect(await listFlatVersions(getDb(), id), id).toBeNull();
    }
  });

  it("finds a version's .nupkg and .nuspec by their lower-cased names, unlisted versions too", async () => {
    const db = getDb();
    const idKey = ids.app.toLowerCase();
    const nupkg = await findFlatFile(db, idKey, "1.2.0-beta", `${idKey}.1.2.0-beta.nupkg`, dir);
    expect(nupkg).toMatchObject({ kind: "nupkg", packageId: ids.app, version: "1.2.0-Beta" });
    expect(nupkg!.filePath.startsWith(dir)).toBe(true);
    expect(await findFlatFile(db, ids.app, "1.2.0-Beta", `${ids.app}.1.2.0-Beta.nupkg`, dir)).toMatchObject({ kind: "nupkg" });
    expect(await findFlatFile(db, idKey, "1.9.0", `${idKey}.1.9.0.nupkg`, dir)).toMatchObject({ kind: "nupkg", version: "1.9.0" });
    const nuspec = await findFlatFile(db, idKey, "1.0.0", `${idKey}.nuspec`, dir);
    expect(nuspec).toMatchObject({ kind: "nuspec" });
    expect((await readStoredNuspec(nuspec!.filePath))!.toString("utf8")).toBe(nuspecXml(ids.app, "1.0.0"));
  });

  it("answers null for unknown versions, mismatched file names and crafted paths", async () => {
    const db = getDb();
    const idKey = ids.app.toLowerCase();
    const cases: [string, string, string][] = [
      [idKey, "3.0.0", `${idKey}.3.0.0.nupkg`],
      [idKey, "1.0.0", `${idKey}.1.0.1.nupkg`],
      [idKey, "1.0.0", `${ids.lib.toLowerCase()}.1.0.0.nupkg`],
      [idKey, "1.0.0", `${idKey}.1.0.0.zip`],
      [idKey, "1.0.0", `${idKey}.1.0.0.nupkg.nuspec`],
      [idKey, "1.0.0+meta", `${idKey}.1.0.0+meta.nupkg`],
      [idKey, "..", `${idKey}...nupkg`],
      ["..", "1.0.0", "...1.0.0.nupkg"],
      ["%2e%2e", "1.0.0", "%2e%2e.1.0.0.nupkg"],
      [idKey, "1.0.0", `../${idKey}.1.0.0.nupkg`],
      [`Flat.Nope${tag}`, "1.0.0", `flat.nope${tag}.1.0.0.nupkg`],
      ["x".repeat(101), "1.0.0", `${"x".repeat(101)}.1.0.0.nupkg`],
      [idKey, "1".repeat(70), `${idKey}.${"1".repeat(70)}.nupkg`],
    ];
    for (const [id, version, file] of cases) expect(await findFlatFile(db, id, version, file, dir), `${id} ${version} ${file}`).toBeNull();
  });

  it("reads many nuspecs at once, a few files at a time, each answer its own; a second read is the kept answer", async () => {
    const db = getDb();
    const versions = ["1.0.0", "1.10.0", "1.2.0-Beta", "1.9.0"];
    const files = await Promise.all(versions.map((v) => findFlatFile(db, ids.app, v, `${ids.app}.nuspec`, dir)));
    const asked = Array.from({ length: 12 }, (_, i) => i % versions.length);
    const answers = await Promise.all(asked.map((i) => readStoredNuspec(files[i]!.filePath)));
    answers.forEach((a, n) => expect(a!.toString("utf8")).toBe(nuspecXml(ids.app, versions[asked[n]])));
    // the same bytes again, without opening the file (a stored file never changes)
    const kept = await readStoredNuspec(files[0]!.filePath);
    expect(await readStoredNuspec(files[0]!.filePath)).toBe(kept);
  });

  it("reads no nuspec from a file that is gone or not a zip", async () => {
    expect(await readStoredNuspec(path.join(dir, "missing.nupkg"))).toBeNull();
    expect(await readStoredNuspec(dir)).toBeNull();
  });

  const query = (q: string, more: Partial<SearchQuery> = {}): SearchQuery => ({ q, skip: 0, take: 20, prerelease: false, ...more });

  it("finds listed packages by id, case-insensitively, with their listed versions; stable only unless prerelease", async () => {
    const db = getDb();
    const r = await searchPackages(db, query(`FLAT ${tag.toUpperCase()}`));
    expect(r.hits.map((h) => h.packageId)).toEqual([ids.app, ids.lib, ids.under]);
    expect(r.totalHits).toBe(3);
    expect(r.hits[0]).toEqual({
      packageId: ids.app, verified: false, description: `Test package ${ids.app}`, totalDownloads: 0, version: "1.10.0",
      versions: [{ version: "1.0.0", downloads: 0 }, { version: "1.10.0", downloads: 0 }],
    });
    const pre = await searchPackages(db, query(tag, { prerelease: true }));
    expect(pre.hits.map((h) => h.packageId)).toEqual([ids.app, ids.lib, ids.pre, ids.under]);
    expect(pre.hits[0].versions.map((v) => v.version)).toEqual(["1.0.0", "1.2.0-Beta", "1.10.0"]);
  });

  it("hides ids with no listed version, and pages with skip and take", async () => {
    const db = getDb();
    expect((await searchPackages(db, query(`${tag}hidden`, { prerelease: true }))).totalHits).toBe(0);
    const page = await searchPackages(db, query(tag, { skip: 1, take: 1 }));
    expect(page).toMatchObject({ totalHits: 3, hits: [{ packageId: ids.lib }] });
    expect((await searchPackages(db, query(tag, { skip: 3000 }))).hits).toEqual([]);
  });

  it("takes '%', '_' and quotes in a query as word separators, never as SQL", async () => {
    const db = getDb();
    expect((await searchPackages(db, query(`flat_under ${tag}`))).hits.map((h) => h.packageId)).toEqual([ids.under]);
    for (const q of ["%", "_", "'", '"', "\\", "%' OR 1=1 --", "x".repeat(MAX_QUERY_LENGTH)]) {
      expect((await searchPackages(db, query(`${q}`))).totalHits, q).toBe(0);
      expect((await searchPackages(db, query(`${q}${tag}nomatch`))).totalHits, q).toBe(0);
    }
  });
});
