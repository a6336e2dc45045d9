import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildNupkg } from "@/e2e/nupkg";
import { insertTestUser } from "@/tests/api-keys";
import { describeEachDb } from "@/tests/databases";
import { parseVersion } from "@/lib/nuget/version";
import { parseDependencyGroups, readRegistration } from "./registration";
import { addPackageVersion, findPackage, setListed } from "./store";

const nuspec = (dependencies: string) =>
  Buffer.from(`<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata><id>A</id><version>1.0.0</version>${dependencies}</metadata></package>`);

describe("parseDependencyGroups", () => {
  it("reads groups by framework, a flat list as one group for any framework, and none", () => {
    expect(
      parseDependencyGroups(
        nuspec(`<dependencies><group targetFramework="net45"><dependency id="Newtonsoft.Json" version="[9.0.1, )" /></group><group targetFramework="netstandard2.0" /></dependencies>`),
      ),
    ).toEqual([
      { targetFramework: "net45", dependencies: [{ id: "Newtonsoft.Json", range: "[9.0.1, )" }] },
      { targetFramework: "netstandard2.0", dependencies: [] },
    ]);
    expect(parseDependencyGroups(nuspec(`<dependencies><dependency id="B" version="1.0" /><dependency id="C" /></dependencies>`))).toEqual([
      { targetFramework: "", dependencies: [{ id: "B", range: "1.0" }, { id: "C", range: "" }] },
    ]);
    expect(parseDependencyGroups(nuspec(""))).toEqual([]);
  });

  it("drops invalid dependency ids and refuses broken or oversized XML", () => {
    expect(parseDependencyGroups(nuspec(`<dependencies><dependency id="../x" version="1.0" /><dependency id="ok" /></dependencies>`))).toEqual([
      { targetFramework: "", dependencies: [{ id: "ok", range: "" }] },
    ]);
    expect(parseDependencyGroups(Buffer.from("<package><metadata>"))).toBeNull();
    expect(parseDependencyGroups(Buffer.from([0xff, 0xfe, 0x3c]))).toBeNull();
    expect(parseDependencyGroups(nuspec(`<dependencies>${"<dependency id='x'/>".repeat(5000)}</dependencies>`))).toBeNull();
  });
});

describeEachDb("readRegistration", (getDb) => {
  let dir: string;
  const tag = Math.random().toString(36).slice(2, 8);
  const id = `Reg.App${tag}`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "reg-"));
    const db = getDb();
    const owner = await insertTestUser(db);
    for (const version of ["1.10.0", "1.2.0", "1.2.0-rc.1"]) {
      const found = await findPackage(db, id, {}, dir);
      const deps = version === "1.2.0" ? `<dependencies><group targetFramework="net8.0"><dependency id="Dep.X" version="2.0" /></group></dependencies>` : "";
      const xml = `<?xml version="1.0"?><package><metadata><id>${id}</id><version>${version}</version><authors>a</authors><description>d</description>${deps}</metadata></package>`;
      const r = await addPackageVersion(
        db,
        { registrationId: found?.registrationId ?? null, packageId: id, ownerId: owner.id, version: parseVersion(version)!, bytes: buildNupkg({ id, version, nuspec: xml }), pushedById: owner.id, pushedByKeyId: null, pushedByKeyName: null },
        dir,
      );
      if (r.status !== "created") throw new Error(r.status);
      if (version === "1.10.0") await setListed(db, r.versionId, false);
    }
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it("has every version in SemVer order, unlisted marked, with its dependency groups, whatever the id's case", async () => {
    const r = await readRegistration(getDb(), id.toUpperCase(), dir);
    expect(r?.packageId).toBe(id);
    expect(r!.versions.map((v) => [v.version, v.listed])).toEqual([
      ["1.2.0-rc.1", true],
      ["1.2.0", true],
      ["1.10.0", false],
    ]);
    expect(r!.versions[1].dependencyGroups).toEqual([{ targetFramework: "net8.0", dependencies: [{ id: "Dep.X", range: "2.0" }] }]);
    expect(r!.versions[0].dependencyGroups).toEqual([]);
  });

  it("answers null for unknown and crafted ids", async () => {
    for (const bad of [`Reg.Nope${tag}`, "..", "%2e%2e", "a/b", ".pushing", "", "x".repeat(101)]) expect(await readRegistration(getDb(), bad, dir), bad).toBeNull();
  });
});
