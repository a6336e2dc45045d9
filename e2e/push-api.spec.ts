// The push / unlist / relist / verify API over real HTTP against the production build
// (checklist 37–47 and 52), with nuget.org's reason phrases checked on the raw status line.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ACTIONS } from "@/lib/api-keys/scopes";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { e2eDb } from "./fixtures";
import { packageFilePath, packageFolder } from "./nuget/data";
import { buildNupkg, multipartNuGet287, multipartNuGet58, type NupkgOptions } from "./nupkg";
import { rawRequest, type RawRequest } from "./raw-http";

const BASE = process.env.E2E_BASE_URL!;
const INVALID = "The specified API key is invalid, has expired, or does not have permission to access the specified package.";
const REQUIRED = "An API key must be provided in the 'X-NuGet-ApiKey' header to use this service";

const uid = () => randomBytes(4).toString("hex");

/** a user with one key; `actions` on `subjects` (default *) */
async function keyFor(actions: string[], opts: { subjects?: string[]; expiresAt?: Date; revokedAt?: Date; user?: { id: string; username: string } } = {}) {
  const user = opts.user ?? (await insertTestUser(e2eDb()));
  const key = await insertTestKey(e2eDb(), { userId: user.id, actions, subjects: opts.subjects, expiresAt: opts.expiresAt, revokedAt: opts.revokedAt });
  return { user, ...key };
}

/** PUT a package the way NuGet 2.8.7 does (HTTP/1.0, Content-Length, bare-LF multipart) or 5.8 does (chunked) */
function push(apiKey: string | null, pkg: NupkgOptions | Uint8Array, client: "2.8.7" | "5.8" = "5.8", extra: Partial<RawRequest> = {}) {
  const bytes = pkg instanceof Uint8Array ? pkg : buildNupkg(pkg);
  const form = client === "2.8.7" ? multipartNuGet287(bytes) : multipartNuGet58(bytes);
  const { headers, ...rest } = extra;
  return rawRequest(BASE, {
    method: "PUT",
    path: "/api/v2/package/",
    mode: client === "2.8.7" ? "http1.0" : "chunked",
    headers: { "Content-Type": form.contentType, ...(apiKey !== null ? { "X-NuGet-ApiKey": apiKey } : {}), ...headers },
    body: form.body,
    ...rest,
  });
}

/** DELETE (unlist) as NuGet 2.8.7 sends it: HTTP/1.0, "Content-Type: text/html", no body; POST relists */
function listing(method: "DELETE" | "POST", apiKey: string | null, id: string, version: string) {
  return rawRequest(BASE, {
    method,
    path: `/api/v2/package/${id}/${version}`,
    mode: method === "DELETE" ? "http1.0" : "content-length",
    headers: { ...(method === "DELETE" ? { "Content-Type": "text/html" } : {}), ...(apiKey !== null ? { "X-NuGet-ApiKey": apiKey } : {}) },
  });
}

async function storedVersion(id: string, versionKey: string) {
  return e2eDb().packageVersion.findFirst({ where: { versionKey, registration: { idKey: id.toLowerCase() } } });
}

/** The server's package folder (playwright.config.ts sets PACKAGES_DIR for it and for us). */
const PACKAGES_DIR = path.resolve(process.env.PACKAGES_DIR!);

/** The id's folder holds exactly the files its version rows name: a refused or failed push left nothing behind. */
async function expectFilesMatchRows(id: string) {
  const { files, named } = await packageFolder(e2eDb(), PACKAGES_DIR, id);
  expect(files, id).toEqual(named);
}

test.describe("NuGet push API", () => {
  test("probes answer 200 without auth or redirect; the V3 index announces PackagePublish/2.0.0", async ({ request }) => {
    for (const p of ["/", "/api/v2/package", "/api/v2/package/"]) {
      const r = await request.get(p, { maxRedirects: 0 });
      expect(r.status(), p).toBe(200);
    }
    const index = await request.get("/v3/index.json");
    expect(index.status()).toBe(200);
    const json = await index.json();
    expect(json.version).toBe("3.0.0");
    expect(json.resources).toContainEqual(expect.objectContaining({ "@type": "PackagePublish/2.0.0", "@id": `${BASE}/api/v2/package` }));
  });

  test("37: no X-NuGet-ApiKey (absent or empty) → 401 with WWW-Authenticate and the reason on the status line", async () => {
    const id = `NoKey.${uid()}`;
    for (const key of [null, ""]) {
      const r = await push(key, { id, version: "1.0.0" }, "2.8.7");
      expect(r.statusLine).toBe(`HTTP/1.1 401 ${REQUIRED}`);
      expect(r.headers["www-authenticate"]).toBe(`ApiKey realm="${new URL(BASE).host}"`);
      expect(r.body.toString()).toContain(REQUIRED);
    }
    // NuGet 2.8.7 sends delete with an empty header
    const del = await listing("DELETE", "", id, "1.0.0");
    expect(del.status).toBe(401);
    expect(await storedVersion(id, "1.0.0")).toBeNull();
  });

  test("38: random, expired and revoked keys → 403 with nuget.org's reason and a specific warning", async () => {
    const id = `Bad.${uid()}`;
    const expired = await keyFor([ACTIONS.push], { expiresAt: new Date(Date.now() - 1000) });
    const revoked = await keyFor([ACTIONS.push], { revokedAt: new Date(Date.now() - 1000) });
    const cases: [string, string][] = [
      ["oy2" + "a".repeat(43), "was not found"],
      ["not-even-a-key", "was not found"],
      [crypto.randomUUID(), "was not found"],
      [expired.plaintext, `'${expired.name}' has expired`],
      [revoked.plaintext, `'${revoked.name}' has been revoked`],
    ];
    for (const [key, why] of cases) {
      const r = await push(key, { id, version: "1.0.0" });
      expect(r.statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
      expect(r.headers["x-nuget-warning"]).toContain(why);
      expect(r.body.toString()).toContain(why);
    }
    expect(await storedVersion(id, "1.0.0")).toBeNull();
  });

  test("39/40: a new id needs push (pushversion → 403, push → 201); new versions take either; the package downloads byte-identical", async ({ request }) => {
    const id = `Fresh.${uid()}`;
    const pushKey = await keyFor([ACTIONS.push]);
    const versionKey = await keyFor([ACTIONS.pushVersion], { user: pushKey.user });

    const refused = await push(versionKey.plaintext, { id, version: "1.0.0" }, "2.8.7");
    expect(refused.statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
    expect(refused.headers["x-nuget-warning"]).toContain("Push new packages and package versions");
    expect(await e2eDb().packageRegistration.findUnique({ where: { idKey: id.toLowerCase() } })).toBeNull();

    const bytes = buildNupkg({ id, version: "1.0" });
    const created = await push(pushKey.plaintext, bytes, "2.8.7");
    expect(created.statusLine).toBe("HTTP/1.1 201 Created");
    const row = await storedVersion(id, "1.0.0");
    expect(row).toMatchObject({ version: "1.0.0", listed: true, pushedById: pushKey.user.id, pushedByKeyId: pushKey.id, pushedByKeyName: pushKey.name });
    const reg = await e2eDb().packageRegistration.findUniqueOrThrow({ where: { idKey: id.toLowerCase() }, include: { owners: true } });
    expect(reg.owners.map((o) => o.userId)).toEqual([pushKey.user.id]);
    expect(existsSync(packageFilePath(PACKAGES_DIR, id.toLowerCase(), "1.0.0", row!.id))).toBe(true);

    const download = await request.get(`/api/v2/package/${id.toUpperCase()}/1.0.0.0`);
    expect(download.status()).toBe(200);
    expect(Buffer.from(await download.body()).equals(Buffer.from(bytes))).toBe(true);

    // 40: an existing id takes a pushversion key (NuGet 5.8's chunked body)
    expect((await push(versionKey.plaintext, { id, version: "1.1.0-beta.1+sha" }, "5.8")).status).toBe(201);
    expect(await storedVersion(id, "1.1.0-beta.1")).not.toBeNull();
    expect((await push(pushKey.plaintext, { id, version: "1.2.0" })).status).toBe(201);

    // lastUsedAt is recorded on use
    const used = await e2eDb().apiKey.findUniqueOrThrow({ where: { id: pushKey.id } });
    expect(used.lastUsedAt).not.toBeNull();
  });

  test("43: pushing an existing version → 409 with nuget.org's text (versions compared normalised)", async () => {
    const id = `Twice.${uid()}`;
    const k = await keyFor([ACTIONS.push]);
    expect((await push(k.plaintext, { id, version: "2.0" })).status).toBe(201);
    for (const version of ["2.0", "2.0.0.0", "2.0.0+other"]) {
      const r = await push(k.plaintext, { id: id.toLowerCase(), version }, "2.8.7");
      expect(r.statusLine).toBe(`HTTP/1.1 409 A package with ID '${id.toLowerCase()}' and version '2.0.0' already exists and cannot be modified.`);
    }
    expect(await e2eDb().packageVersion.count({ where: { registration: { idKey: id.toLowerCase() } } })).toBe(1);
    await expectFilesMatchRows(id);
  });

  test("42: glob Contoso.* pushes contoso.lib but not Contoso or Fabrikam.lib", async () => {
    const stem = `Contoso${uid()}`;
    const k = await keyFor([ACTIONS.push], { subjects: [`${stem}.*`] });
    expect((await push(k.plaintext, { id: `${stem.toLowerCase()}.lib`, version: "1.0.0" })).status).toBe(201);
    for (const id of [stem, `Fabrikam${uid()}.lib`]) {
      const r = await push(k.plaintext, { id, version: "1.0.0" });
      expect(r.statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
      expect(r.headers["x-nuget-warning"]).toContain(`not scoped to package '${id}'`);
      expect(await storedVersion(id, "1.0.0")).toBeNull();
    }
  });

  test("41: pushing an id owned by another account → 403 and a PackagePushAttemptByNonOwner audit", async () => {
    const id = `Owned.${uid()}`;
    const alice = await keyFor([ACTIONS.push]);
    const mallory = await keyFor([ACTIONS.push, ACTIONS.unlist]);
    expect((await push(alice.plaintext, { id, version: "1.0.0" })).status).toBe(201);
    // a client naming its own address is not believed (no TRUST_PROXY): the audit keeps the socket's
    const r = await push(mallory.plaintext, { id, version: "1.0.1" }, "2.8.7", { headers: { "X-Forwarded-For": "203.0.113.9" } });
    expect(r.statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
    const warning = r.headers["x-nuget-warning"];
    expect(warning).toBe(`The owner of this API key ('${mallory.user.username}') does not own package '${id}'.`);
    expect(warning).not.toContain(alice.user.username);
    expect(await storedVersion(id, "1.0.1")).toBeNull();
    const audit = await e2eDb().auditRecord.findFirst({ where: { action: "PackagePushAttemptByNonOwner", actorId: mallory.user.id } });
    expect(audit?.target).toBe(id);
    expect(audit?.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(audit?.details).not.toContain(mallory.plaintext);
    // nor can they unlist it
    expect((await listing("DELETE", mallory.plaintext, id, "1.0.0")).status).toBe(403);
    await expectFilesMatchRows(id);
  });

  test("44/45/46: unlist with an unlist key (still downloadable), push-only key 403, missing version 404, relist", async ({ request }) => {
    const id = `Listing.${uid()}`;
    const pusher = await keyFor([ACTIONS.push]);
    const unlister = await keyFor([ACTIONS.unlist], { user: pusher.user });
    expect((await push(pusher.plaintext, { id, version: "1.0.0-Beta.1" })).status).toBe(201);

    const pushOnly = await listing("DELETE", pusher.plaintext, id, "1.0.0-Beta.1");
    expect(pushOnly.statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
    expect(pushOnly.headers["x-nuget-warning"]).toContain("Unlist or relist package versions");

    // the id and version arrive as typed: lower case, 3-part, with +metadata
    const unlisted = await listing("DELETE", unlister.plaintext, id.toLowerCase(), "1.0.0-beta.1+meta");
    expect(unlisted.statusLine).toBe("HTTP/1.1 200 OK");
    expect((await storedVersion(id, "1.0.0-beta.1"))?.listed).toBe(false);
    expect((await request.get(`/api/v2/package/${id}/1.0.0-beta.1`)).status()).toBe(200);

    const missing = await listing("DELETE", unlister.plaintext, id, "9.9");
    expect(missing.statusLine).toBe(`HTTP/1.1 404 A package with ID '${id}' and version '9.9' does not exist.`);
    const missingId = await listing("DELETE", unlister.plaintext, `Nope.${uid()}`, "1.0.0");
    expect(missingId.status).toBe(404);

    const relisted = await listing("POST", unlister.plaintext, id, "1.0.0-BETA.1");
    expect(relisted.statusLine).toBe("HTTP/1.1 200 OK");
    expect((await storedVersion(id, "1.0.0-beta.1"))?.listed).toBe(true);
  });

  test("47: a key expiring within 10 days adds nuget.org's X-NuGet-Warning to successes", async () => {
    const soon = await keyFor([ACTIONS.push], { expiresAt: new Date(Date.now() + 5 * 86_400_000 - 60_000) });
    const r = await push(soon.plaintext, { id: `Soon.${uid()}`, version: "1.0.0" });
    expect(r.status).toBe(201);
    expect(r.headers["x-nuget-warning"]).toBe(`Your API key expires in 5 days. Visit ${BASE}/account/apikeys to regenerate your API key.`);
    const tomorrow = await keyFor([ACTIONS.push], { expiresAt: new Date(Date.now() + 3_600_000) });
    const r1 = await push(tomorrow.plaintext, { id: `Soon.${uid()}`, version: "1.0.0" });
    expect(r1.headers["x-nuget-warning"]).toBe(`Your API key expires in 1 day. Visit ${BASE}/account/apikeys to regenerate your API key.`);
    const later = await keyFor([ACTIONS.push]);
    expect((await push(later.plaintext, { id: `Later.${uid()}`, version: "1.0.0" })).headers["x-nuget-warning"]).toBeUndefined();
  });

  test("52: create-verification-key → {Key, Expires ≈ +1 day}; verifykey 200 once, then 403", async ({ request }) => {
    const id = `Verify.${uid()}`;
    const k = await keyFor([ACTIONS.push]);
    expect((await push(k.plaintext, { id, version: "1.0.0" })).status).toBe(201);

    const created = await request.post(`/api/v2/package/create-verification-key/${id}/1.0.0`, { headers: { "X-NuGet-ApiKey": k.plaintext } });
    expect(created.status()).toBe(200);
    const { Key, Expires } = await created.json();
    expect(Key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Math.abs(Date.parse(Expires) - (Date.now() + 86_400_000))).toBeLessThan(60_000);
    const row = await e2eDb().apiKey.findFirstOrThrow({ where: { type: "apikey.verify.v1", userId: k.user.id } });
    expect(JSON.stringify(row)).not.toContain(Key);

    const first = await rawRequest(BASE, { method: "GET", path: `/api/v2/verifykey/${id}/1.0.0`, headers: { "X-NuGet-ApiKey": Key } });
    expect(first.status).toBe(200);
    const again = await rawRequest(BASE, { method: "GET", path: `/api/v2/verifykey/${id}/1.0.0`, headers: { "X-NuGet-ApiKey": Key } });
    expect(again.statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
    expect(await e2eDb().apiKey.count({ where: { id: row.id } })).toBe(0);

    // a verify key for another id is refused, and used up too
    const other = await (await request.post(`/api/v2/package/create-verification-key/${id}`, { headers: { "X-NuGet-ApiKey": k.plaintext } })).json();
    const wrong = await request.get(`/api/v2/verifykey/Other.${uid()}`, { headers: { "X-NuGet-ApiKey": other.Key } });
    expect(wrong.status()).toBe(404);
    expect((await request.get(`/api/v2/verifykey/${id}`, { headers: { "X-NuGet-ApiKey": other.Key } })).status()).toBe(403);
    // an unlist-only key cannot ask for one
    const unlistOnly = await keyFor([ACTIONS.unlist]);
    expect((await request.post(`/api/v2/package/create-verification-key/${id}`, { headers: { "X-NuGet-ApiKey": unlistOnly.plaintext } })).status()).toBe(403);
  });

  test("50: a key scoped to an unconfirmed or locked owner gets nuget.org's specific 403", async () => {
    const unconfirmed = await insertTestUser(e2eDb(), { confirmed: false });
    const locked = await insertTestUser(e2eDb(), { locked: true });
    const k1 = await keyFor([ACTIONS.push], { user: unconfirmed });
    const k2 = await keyFor([ACTIONS.push], { user: locked });
    expect((await push(k1.plaintext, { id: `Unc.${uid()}`, version: "1.0.0" })).statusLine).toBe(
      "HTTP/1.1 403 The specified API key is scoped to an owner that is unconfirmed. You must confirm the owner that this API key is scoped to before you can use it.",
    );
    expect((await push(k2.plaintext, { id: `Lck.${uid()}`, version: "1.0.0" })).statusLine).toBe(
      "HTTP/1.1 403 The specified API key is scoped to an owner that is locked. Please contact support@nuget.org.",
    );
  });

  test("bad uploads → 400 with a clear reason and nothing stored; an unlist-only key may not push", async () => {
    const k = await keyFor([ACTIONS.push]);
    const id = `Broken.${uid()}`;
    const cases: [Uint8Array | NupkgOptions, string][] = [
      [Buffer.from("definitely not a zip"), "400 The package is not a valid .nupkg (zip) file."],
      [{ id, version: "1.0.0", includeNuspec: false }, "400 The package has no .nuspec file at the root of its zip."],
      [{ id, version: "1.0.0", nuspec: "<package><metadata>" }, "400 The package's .nuspec is not well-formed XML."],
      [{ id, version: "1.0.0.0.1" }, "400 The package version '1.0.0.0.1' is not a valid NuGet version."],
      [{ id: "bad..id", version: "1.0.0" }, "400 The package id is not valid"],
    ];
    for (const [pkg, line] of cases) {
      const r = await push(k.plaintext, pkg);
      expect(r.statusLine.startsWith(`HTTP/1.1 ${line}`), r.statusLine).toBe(true);
    }
    const notMultipart = await rawRequest(BASE, { method: "PUT", path: "/api/v2/package", headers: { "X-NuGet-ApiKey": k.plaintext, "Content-Type": "text/plain" }, body: Buffer.from("hi") });
    expect(notMultipart.status).toBe(400);
    // a bare .nupkg body is tolerated
    const bare = await rawRequest(BASE, { method: "PUT", path: "/api/v2/package", headers: { "X-NuGet-ApiKey": k.plaintext, "Content-Type": "application/octet-stream" }, body: Buffer.from(buildNupkg({ id, version: "3.0.0" })) });
    expect(bare.status).toBe(201);
    expect(await e2eDb().packageVersion.count({ where: { registration: { idKey: id.toLowerCase() } } })).toBe(1);

    const unlistOnly = await keyFor([ACTIONS.unlist]);
    const u = `U.${uid()}`;
    const r = await push(unlistOnly.plaintext, { id: u, version: "1.0.0" });
    expect(r.statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
    expect(r.headers["x-nuget-warning"]).toContain("lacks the scope");
    await expectFilesMatchRows(id);
    await expectFilesMatchRows(u);
  });

  test("a package over MAX_PACKAGE_BYTES → 413 after the whole body is read (HTTP/1.0 and chunked)", async () => {
    const k = await keyFor([ACTIONS.push]);
    const id = `Huge.${uid()}`;
    const big = buildNupkg({ id, version: "1.0.0", contentBytes: 21 * 1024 * 1024 });
    for (const client of ["2.8.7", "5.8"] as const) {
      const r = await push(k.plaintext, big, client);
      expect(r.statusLine).toBe("HTTP/1.1 413 The package is larger than the limit of 20 MB.");
    }
    expect(await storedVersion(id, "1.0.0")).toBeNull();
    await expectFilesMatchRows(id);
  });

  test("20 concurrent pushes of one id+version: exactly one 201, the rest 409", async () => {
    const k = await keyFor([ACTIONS.push]);
    const id = `Race.${uid()}`;
    const bytes = buildNupkg({ id, version: "1.0.0" });
    const results = await Promise.all(Array.from({ length: 20 }, () => push(k.plaintext, bytes)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    expect(await e2eDb().packageVersion.count({ where: { registration: { idKey: id.toLowerCase() } } })).toBe(1);
    await expectFilesMatchRows(id);
  });

  test("a client that goes away mid-upload stores nothing, and the server keeps serving pushes", async () => {
    const k = await keyFor([ACTIONS.push]);
    const id = `Gone.${uid()}`;
    const form = multipartNuGet58(buildNupkg({ id, version: "1.0.0", contentBytes: 2 * 1024 * 1024 }));
    const { hostname, port } = new URL(BASE);
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.write(
          `PUT /api/v2/package/ HTTP/1.1\r\nHost: ${hostname}:${port}\r\nX-NuGet-ApiKey: ${k.plaintext}\r\n` +
            `Content-Type: ${form.contentType}\r\nContent-Length: ${form.body.length}\r\n\r\n`,
        );
        // half the body, then hang up
        socket.write(form.body.subarray(0, form.body.length >> 1), () => setTimeout(() => (socket.destroy(), resolve()), 200));
      });
      socket.on("error", reject);
    });
    expect((await push(k.plaintext, { id, version: "1.0.1" })).status).toBe(201);
    expect(await storedVersion(id, "1.0.0")).toBeNull();
    await expectFilesMatchRows(id);
  });

  test("the push answer carries the site's security headers", async () => {
    const r = await push(null, { id: `Headers.${uid()}`, version: "1.0.0" });
    expect(r.status).toBe(401);
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["content-security-policy"]).toContain("default-src 'self'");
  });
});
