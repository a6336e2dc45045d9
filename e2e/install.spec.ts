// Installing from here: a package pushed a moment earlier installs with NuGet.exe 5.8 from
// /v3/index.json (PackageBaseAddress/3.0.0, the flat container), by exact version and by latest;
// and each V3 read route over raw HTTP, crafted paths included.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createUser } from "./fixtures";
import { checkClients, pack, runNuget, sandbox } from "./nuget/clients";
import { makeKey } from "./nuget/data";
import { pushOverHttp, setListed } from "./nuget/http";
import { buildNupkg, nuspecXml } from "./nupkg";
import { rawRequest } from "./raw-http";

const BASE = process.env.E2E_BASE_URL!;
const V3 = `${BASE}/v3/index.json`;

function newId(prefix = "Install") {
  return `${prefix}.T${randomBytes(4).toString("hex")}`;
}

async function pushAs(id: string, versions: string[], bytesOf: (v: string) => Promise<Uint8Array> | Uint8Array = (v) => buildNupkg({ id, version: v })) {
  const user = await createUser();
  const key = await makeKey(user, { actions: ["package:push", "package:unlist"], subjects: ["*"] });
  for (const v of versions) {
    const r = await pushOverHttp(BASE, await bytesOf(v), key.plaintext);
    expect(r.status, `${id} ${v}`).toBe(201);
  }
  return key;
}

test.describe("NuGet.exe 5.8 install", () => {
  // Debian's Mono 6.8 aborts now and then under load (see nuget-clients.spec.ts)
  test.describe.configure({ timeout: 240_000, retries: 1 });

  test.beforeEach(() => {
    const found = checkClients();
    if (!found.ok && process.env.CI === "true") throw new Error(`NuGet clients missing: ${found.missing.join(", ")}`);
    test.skip(!found.ok, `NuGet clients missing: ${found.missing.join(", ")}`);
  });

  test("installs a package pushed a moment earlier, by exact version and by latest; an unlisted version by exact version", async () => {
    const id = newId();
    const packages = new Map<string, Awaited<ReturnType<typeof pack>>>();
    for (const v of ["1.0.0", "1.1.0", "1.2.0"]) packages.set(v, await pack(id, v));
    const key = await pushAs(id, ["1.0.0", "1.1.0"], (v) => packages.get(v)!.bytes);

    const box = await sandbox();
    try {
      const install = (version: string | null, out: string) =>
        runNuget("nuget-5.8", ["install", id, ...(version ? ["-Version", version] : []), "-Source", V3, "-OutputDirectory", out, "-NoCache", "-DirectDownload"], { box });

      const exact = await install("1.0.0", "exact");
      expect(exact.exitCode, exact.output).toBe(0);
      expect(exact.output).toContain(`Successfully installed '${id} 1.0.0'`);
      const folder = path.join(box.cwd, "exact", `${id}.1.0.0`);
      expect(await readFile(path.join(folder, "content", "readme.txt"), "utf8")).toContain(`${id} 1.0.0`);
      expect(await readFile(path.join(folder, `${id}.1.0.0.nupkg`))).toEqual(Buffer.from(packages.get("1.0.0")!.bytes));

      const latest = await install(null, "latest");
      expect(latest.exitCode, latest.output).toBe(0);
      expect(latest.output).toContain(`Successfully installed '${id} 1.1.0'`);
      expect(await readdir(path.join(box.cwd, "latest"))).toEqual([`${id}.1.1.0`]);

      // pushed a moment ago: a client without a cached copy of the id's metadata sees it at once
      // (NuGet.exe keeps its own http-cache of it for 30 minutes, -NoCache or not)
      expect((await pushOverHttp(BASE, packages.get("1.2.0")!.bytes, key.plaintext)).status).toBe(201);
      const fresh = await sandbox();
      try {
        const newest = await runNuget("nuget-5.8", ["install", id, "-Source", V3, "-OutputDirectory", "newest", "-NoCache", "-DirectDownload"], { box: fresh });
        expect(newest.exitCode, newest.output).toBe(0);
        expect(newest.output).toContain(`Successfully installed '${id} 1.2.0'`);
      } finally {
        await fresh.dispose();
      }

      // unlisted versions still install by exact version, as on nuget.org
      expect((await setListed(BASE, id, "1.0.0", false, key.plaintext)).status).toBe(200);
      const pinned = await install("1.0.0", "pinned");
      expect(pinned.exitCode, pinned.output).toBe(0);
      expect(existsSync(path.join(box.cwd, "pinned", `${id}.1.0.0`))).toBe(true);

      const missing = await install("9.9.9", "missing");
      expect(missing.exitCode, missing.output).not.toBe(0);
      expect(existsSync(path.join(box.cwd, "missing", `${id}.9.9.9`))).toBe(false);
    } finally {
      await box.dispose();
    }
  });
});

test.describe("V3 read routes over HTTP", () => {
  test("the service index names the flat container and the search service", async () => {
    const r = await fetch(V3);
    const index = (await r.json()) as { resources: { "@id": string; "@type": string }[] };
    const byType = Object.fromEntries(index.resources.map((x) => [x["@type"], x["@id"]]));
    expect(byType["PackageBaseAddress/3.0.0"]).toBe(`${BASE}/v3-flatcontainer/`);
    for (const t of ["SearchQueryService", "SearchQueryService/3.0.0-beta", "SearchQueryService/3.0.0-rc", "SearchQueryService/3.5.0"]) expect(byType[t]).toBe(`${BASE}/v3/query`);
    expect(byType["PackagePublish/2.0.0"]).toBe(`${BASE}/api/v2/package`);
  });

  test("flat container: versions (unlisted too), .nupkg streamed, .nuspec from the package, any id case", async () => {
    const id = newId("Flat");
    const idKey = id.toLowerCase();
    const bytes = buildNupkg({ id, version: "1.0.0-Beta" });
    const key = await pushAs(id, ["1.0.0-Beta"], () => bytes);
    await pushAs(id, [], () => bytes); // another user: no access needed to read
    const second = buildNupkg({ id, version: "1.0.1" });
    expect((await pushOverHttp(BASE, second, key.plaintext)).status).toBe(201);
    expect((await setListed(BASE, id, "1.0.1", false, key.plaintext)).status).toBe(200);

    for (const which of [idKey, id, id.toUpperCase()]) {
      const list = await fetch(`${BASE}/v3-flatcontainer/${which}/index.json`);
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual({ versions: ["1.0.0-beta", "1.0.1"] });
    }
    const nupkg = await rawRequest(BASE, { method: "GET", path: `/v3-flatcontainer/${idKey}/1.0.0-beta/${idKey}.1.0.0-beta.nupkg` });
    expect(nupkg.status).toBe(200);
    expect(nupkg.headers["content-type"]).toBe("application/octet-stream");
    expect(nupkg.body).toEqual(Buffer.from(bytes));
    // unlisted: still downloadable
    const unlisted = await rawRequest(BASE, { method: "GET", path: `/v3-flatcontainer/${idKey}/1.0.1/${idKey}.1.0.1.nupkg` });
    expect(unlisted.status).toBe(200);
    expect(unlisted.body).toEqual(Buffer.from(second));

    const nuspec = await fetch(`${BASE}/v3-flatcontainer/${idKey}/1.0.0-beta/${idKey}.nuspec`);
    expect(nuspec.status).toBe(200);
    expect(nuspec.headers.get("content-type")).toBe("text/xml");
    expect(await nuspec.text()).toBe(nuspecXml(id, "1.0.0-Beta"));
  });

  test("registration: every version with its listed state and package URL; leaves; unknown and crafted ids 404", async () => {
    const id = newId("Reg");
    const idKey = id.toLowerCase();
    const key = await pushAs(id, ["1.0.0", "2.0.0-beta"]);
    expect((await setListed(BASE, id, "1.0.0", false, key.plaintext)).status).toBe(200);
    type Leaf = { catalogEntry: { id: string; version: string; listed: boolean; published: string; packageContent: string; dependencyGroups: unknown[] } };
    const r = await fetch(`${BASE}/v3/registration/${id.toUpperCase()}/index.json`);
    expect(r.status).toBe(200);
    const index = (await r.json()) as { count: number; items: { count: number; lower: string; upper: string; items: Leaf[] }[] };
    expect(index.count).toBe(1);
    expect(index.items[0]).toMatchObject({ count: 2, lower: "1.0.0", upper: "2.0.0-beta" });
    expect(index.items[0].items.map((l) => l.catalogEntry)).toEqual([
      expect.objectContaining({ id, version: "1.0.0", listed: false, published: "1900-01-01T00:00:00+00:00", packageContent: `${BASE}/v3-flatcontainer/${idKey}/1.0.0/${idKey}.1.0.0.nupkg`, dependencyGroups: [] }),
      expect.objectContaining({ id, version: "2.0.0-beta", listed: true, packageContent: `${BASE}/v3-flatcontainer/${idKey}/2.0.0-beta/${idKey}.2.0.0-beta.nupkg` }),
    ]);
    const leaf = await fetch(`${BASE}/v3/registration/${idKey}/2.0.0-beta.json`);
    expect(await leaf.json()).toMatchObject({ listed: true, packageContent: `${BASE}/v3-flatcontainer/${idKey}/2.0.0-beta/${idKey}.2.0.0-beta.nupkg` });
    for (const p of [
      `/v3/registration/${idKey}x/index.json`,
      `/v3/registration/${idKey}/3.0.0.json`,
      `/v3/registration/${idKey}/2.0.0-beta`,
      `/v3/registration/${idKey}/..%2f..%2findex.json`,
      `/v3/registration/${"a".repeat(5000)}/index.json`,
      `/v3/registration/.pushing/index.json`,
    ]) {
      const res = await rawRequest(BASE, { method: "GET", path: p });
      expect([400, 404], p).toContain(res.status);
    }
    // %2e%2e is a dot segment to URL parsers, the server's included: this is /v3/index.json
    const dots = await rawRequest(BASE, { method: "GET", path: "/v3/registration/%2e%2e/index.json" });
    expect(JSON.parse(dots.body.toString("utf8"))).toMatchObject({ version: "3.0.0" });
  });

  test("flat container: unknown and crafted paths are 404 and reveal nothing", async () => {
    const id = newId("Crafted");
    const idKey = id.toLowerCase();
    await pushAs(id, ["1.0.0"]);
    const paths = [
      `/v3-flatcontainer/${idKey}x/index.json`,
      `/v3-flatcontainer/${idKey}/2.0.0/${idKey}.2.0.0.nupkg`,
      `/v3-flatcontainer/${idKey}/1.0.0/${idKey}.1.0.1.nupkg`,
      `/v3-flatcontainer/${idKey}/1.0.0/other.1.0.0.nupkg`,
      `/v3-flatcontainer/${idKey}/1.0.0/${idKey}.1.0.0.zip`,
      `/v3-flatcontainer/${idKey}/1.0.0/..%2f..%2f${idKey}.nuspec`,
      `/v3-flatcontainer/%2e%2e/1.0.0/%2e%2e.1.0.0.nupkg`,
      `/v3-flatcontainer/%2e%2e%2f.pushing/index.json`,
      `/v3-flatcontainer/.pushing/index.json`,
      `/v3-flatcontainer/${idKey}/..%2f..%2f..%2fetc%2fpasswd/${idKey}.nuspec`,
      `/v3-flatcontainer/${idKey}/1.0.0+meta/${idKey}.1.0.0+meta.nupkg`,
      `/v3-flatcontainer/${"a".repeat(5000)}/index.json`,
      `/v3-flatcontainer/${idKey}/${"1".repeat(5000)}/${idKey}.${"1".repeat(5000)}.nupkg`,
      `/v3-flatcontainer/${idKey}%00/index.json`,
    ];
    for (const p of paths) {
      const r = await rawRequest(BASE, { method: "GET", path: p });
      expect([400, 404], p).toContain(r.status);
      expect(r.body.toString("latin1"), p).not.toContain("root:");
      expect(r.body.subarray(0, 4).toString("latin1"), p).not.toBe("PK\x03\x04");
      expect(r.body.toString("latin1"), p).not.toContain("<package");
    }
  });

  test("search: listed packages by id with their listed versions, capped take and skip, over-long q refused", async () => {
    const tag = randomBytes(4).toString("hex");
    // the tag begins a word of each id: search matches the beginnings of words
    const a = `Search.${tag}.A`;
    const b = `Search.${tag}.B`;
    const hidden = `Search.${tag}.Hidden`;
    const key = await pushAs(a, ["1.0.0", "1.1.0", "2.0.0-rc.1"]);
    await pushAs(b, ["3.0.0"]);
    const hiddenKey = await pushAs(hidden, ["1.0.0"]);
    expect((await setListed(BASE, hidden, "1.0.0", false, hiddenKey.plaintext)).status).toBe(200);
    expect((await setListed(BASE, a, "1.1.0", false, key.plaintext)).status).toBe(200);

    const search = async (qs: string) => {
      const r = await fetch(`${BASE}/v3/query?${qs}`);
      return { status: r.status, body: (await r.json()) as { totalHits: number; data: { id: string; version: string; description: string; totalDownloads: number; versions: { version: string; downloads: number; "@id": string }[] }[] } };
    };
    const stable = await search(`q=${tag.toUpperCase()}`);
    expect(stable.status).toBe(200);
    expect(stable.body.totalHits).toBe(2);
    expect(stable.body.data.map((d) => [d.id, d.version])).toEqual([[a, "1.0.0"], [b, "3.0.0"]]);
    expect(stable.body.data[0].versions).toEqual([{ version: "1.0.0", downloads: 0, "@id": `${BASE}/v3/registration/${a.toLowerCase()}/1.0.0.json` }]);
    // the latest listed version's description (1.1.0 is unlisted; 2.0.0-rc.1 is a prerelease)
    expect(stable.body.data[0]).toMatchObject({ description: `Test package ${a}`, totalDownloads: 0 });
    const pre = await search(`q=${tag}&prerelease=true&semVerLevel=2.0.0`);
    expect(pre.body.data[0].versions.map((v) => v.version)).toEqual(["1.0.0", "2.0.0-rc.1"]);
    expect(pre.body.data[0].version).toBe("2.0.0-rc.1");
    expect((await search(`q=${tag}&skip=1&take=1`)).body).toMatchObject({ totalHits: 2, data: [{ id: b }] });
    expect((await search(`q=${tag}&skip=999999&take=999999`)).body).toMatchObject({ totalHits: 2, data: [] });
    expect((await search(`q=${tag}+hidden&prerelease=true`)).body).toEqual({ totalHits: 0, data: [] });
    expect((await search(`q=${encodeURIComponent(`%' OR 1=1 --${tag}`)}`)).body).toEqual({ totalHits: 0, data: [] });
    expect((await search(`q=${encodeURIComponent("%_'")}`)).body).toEqual({ totalHits: 0, data: [] });
    expect((await search(`q=${"x".repeat(257)}`)).status).toBe(400);
    expect((await search("take=1000")).body.data.length).toBeLessThanOrEqual(100);
  });
});
