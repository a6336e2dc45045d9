// GET and DELETE /api/v2/key (issue 14 item 3) over raw HTTP against the production build: a key
// describes itself without being "used", revokes itself for a CI teardown, and every bad key
// gets the push API's own 401/403 and reason phrases.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { ACTIONS } from "@/lib/api-keys/scopes";
import { insertTestKey, insertTestUser, type TestKeyOptions } from "@/tests/api-keys";
import { joinOrganization, makeOrganization } from "./nuget/data";
import { e2eDb, mailsTo } from "./fixtures";
import { buildNupkg, multipartNuGet58 } from "./nupkg";
import { rawRequest, type RawRequest } from "./raw-http";

const BASE = process.env.E2E_BASE_URL!;
const INVALID = "The specified API key is invalid, has expired, or does not have permission to access the specified package.";
const REQUIRED = "An API key must be provided in the 'X-NuGet-ApiKey' header to use this service";
const DAY = 86_400_000;

const uid = () => randomBytes(4).toString("hex");

async function keyFor(opts: Partial<TestKeyOptions> & { user?: { id: string; username: string } } = {}) {
  const { user: given, ...rest } = opts;
  const user = given ?? (await insertTestUser(e2eDb()));
  const key = await insertTestKey(e2eDb(), { actions: [ACTIONS.push], ...rest, userId: user.id } as TestKeyOptions);
  return { user, ...key };
}

function keyApi(method: "GET" | "DELETE", apiKey: string | null, extra: Partial<RawRequest> = {}) {
  const { headers, ...rest } = extra;
  return rawRequest(BASE, { method, path: "/api/v2/key", headers: { ...(apiKey !== null ? { "X-NuGet-ApiKey": apiKey } : {}), ...headers }, ...rest });
}

function push(apiKey: string, id: string) {
  const form = multipartNuGet58(buildNupkg({ id, version: "1.0.0" }));
  return rawRequest(BASE, { method: "PUT", path: "/api/v2/package/", mode: "chunked", headers: { "Content-Type": form.contentType, "X-NuGet-ApiKey": apiKey }, body: form.body });
}

const keyRow = (id: string) =>
  e2eDb().apiKey.findUniqueOrThrow({ where: { id }, select: { revokedAt: true, expiresAt: true, lastUsedAt: true, revocationSource: true } });

test.describe("key introspection API", () => {
  test("GET: exactly the documented JSON, never the secret, hash or lookup id; no last-used write", async () => {
    const createdAt = new Date(Date.now() - 2 * DAY);
    const k = await keyFor({ name: `ci ${uid()}`, createdAt, expiresInDays: 90, actions: [ACTIONS.pushVersion, ACTIONS.unlist], subjects: ["My.Pkg", "My.*"] });
    const row = await e2eDb().apiKey.findUniqueOrThrow({ where: { id: k.id }, select: { lookupId: true, secretHash: true } });

    const never = await keyApi("GET", k.plaintext);
    expect(never.statusLine).toBe("HTTP/1.1 200 OK");
    expect(never.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(never.headers["cache-control"]).toContain("no-store");
    const body = never.body.toString();
    expect(JSON.parse(body)).toEqual({
      name: k.name,
      user: k.user.username,
      owner: k.user.username,
      scopes: [ACTIONS.pushVersion, ACTIONS.unlist],
      packages: ["My.Pkg"],
      glob: "My.*",
      created: createdAt.toISOString(),
      expires: new Date(createdAt.getTime() + 90 * DAY).toISOString(),
      lastUsed: null,
      allowedCidrs: [],
      overlap: null,
    });
    for (const secret of [k.plaintext, row.lookupId, row.secretHash, k.id]) expect(body).not.toContain(secret);
    expect((await keyRow(k.id)).lastUsedAt).toBeNull();

    // a key used an hour ago (outside touchKey's one-minute window) keeps that time through GETs
    const lastUsed = new Date(Date.now() - 3_600_000);
    await e2eDb().apiKey.update({ where: { id: k.id }, data: { lastUsedAt: lastUsed } });
    for (let i = 0; i < 2; i++) expect(JSON.parse((await keyApi("GET", k.plaintext)).body.toString()).lastUsed).toBe(lastUsed.toISOString());
    expect((await keyRow(k.id)).lastUsedAt).toEqual(lastUsed);
  });

  test("DELETE revokes the presented key: JSON answer, row revoked by 'User', mail; then push, GET and DELETE get 403 revoked", async () => {
    const k = await keyFor({ name: `teardown ${uid()}` });
    const r = await keyApi("DELETE", k.plaintext);
    expect(r.statusLine).toBe("HTTP/1.1 200 OK");
    const answer = JSON.parse(r.body.toString());
    expect(Object.keys(answer).sort()).toEqual(["name", "revoked"]);
    expect(answer.name).toBe(k.name);
    const row = await keyRow(k.id);
    expect(row.revokedAt?.toISOString()).toBe(answer.revoked);
    expect(row).toMatchObject({ revocationSource: "User", expiresAt: row.revokedAt });

    const audit = await e2eDb().auditRecord.findFirstOrThrow({ where: { target: k.id, action: "RevokeCredential" } });
    expect(audit.actorId).toBe(k.user.id);
    expect(JSON.parse(audit.details!)).toMatchObject({ via: "api", source: "User", name: k.name });
    expect(audit.details).not.toContain(k.plaintext);
    const mails = mailsTo(`${k.user.username}@example.test`).filter((m) => m.includes(`API Key '${k.name}' Revoked`));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("revoked through the API (DELETE /api/v2/key)");

    const pushed = await push(k.plaintext, `Revoked.${uid()}`);
    expect(pushed.statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
    expect(pushed.headers["x-nuget-warning"]).toContain(`'${k.name}' has been revoked`);
    for (const method of ["GET", "DELETE"] as const) {
      const again = await keyApi(method, k.plaintext);
      expect(again.statusLine, method).toBe(`HTTP/1.1 403 ${INVALID}`);
      expect(again.headers["x-nuget-warning"], method).toContain("has been revoked");
    }
    // idempotent: no second audit row or mail
    expect(await e2eDb().auditRecord.count({ where: { target: k.id, action: "RevokeCredential" } })).toBe(1);
    expect(mailsTo(`${k.user.username}@example.test`).filter((m) => m.includes("Revoked"))).toHaveLength(1);
  });

  test("another account's key is revoked only by presenting it: ids in the query or path are ignored", async () => {
    const victim = await keyFor();
    const attacker = await keyFor({ actions: [ACTIONS.unlist] }); // no scope needed to speak of itself
    expect(JSON.parse((await keyApi("GET", attacker.plaintext, { path: `/api/v2/key?id=${victim.id}` })).body.toString()).name).toBe(attacker.name);
    const viaPath = await keyApi("DELETE", attacker.plaintext, { path: `/api/v2/key/${victim.id}` });
    expect(viaPath.status).toBe(404);
    expect((await keyApi("DELETE", attacker.plaintext, { path: `/api/v2/key?id=${victim.id}&keyId=${victim.id}` })).status).toBe(200);
    expect((await keyRow(attacker.id)).revokedAt).not.toBeNull();
    expect((await keyRow(victim.id)).revokedAt).toBeNull();
    expect(mailsTo(`${victim.user.username}@example.test`)).toEqual([]);
    expect((await push(victim.plaintext, `Victim.${uid()}`)).status).toBe(201);
  });

  test("absent, empty, malformed, unknown, expired keys: the push API's 401/403 and texts, nothing written", async () => {
    for (const method of ["GET", "DELETE"] as const) {
      for (const key of [null, "", "   "]) {
        const r = await keyApi(method, key);
        expect(r.statusLine, `${method} ${key}`).toBe(`HTTP/1.1 401 ${REQUIRED}`);
        expect(r.headers["www-authenticate"]).toBe(`ApiKey realm="${new URL(BASE).host}"`);
      }
    }
    const expired = await keyFor({ expiresAt: new Date(Date.now() - 1000) });
    const real = await keyFor();
    const cases: [string, string][] = [
      ["oy2" + "a".repeat(43), "was not found"],
      ["not-even-a-key", "was not found"],
      [crypto.randomUUID(), "was not found"],
      [real.plaintext.slice(0, -1) + (real.plaintext.endsWith("a") ? "b" : "a"), "was not found"],
      ["x".repeat(8000), "was not found"],
      [expired.plaintext, `'${expired.name}' has expired`],
    ];
    for (const method of ["GET", "DELETE"] as const) {
      for (const [key, why] of cases) {
        const r = await keyApi(method, key);
        expect(r.statusLine, `${method} ${key.slice(0, 40)}`).toBe(`HTTP/1.1 403 ${INVALID}`);
        expect(r.headers["x-nuget-warning"]).toContain(why);
        expect(r.body.toString()).not.toContain("{");
      }
    }
    expect(await keyRow(expired.id)).toMatchObject({ revokedAt: null, lastUsedAt: null });
    expect(await keyRow(real.id)).toMatchObject({ revokedAt: null });
    expect(await e2eDb().auditRecord.count({ where: { target: { in: [expired.id, real.id] } } })).toBe(0);
  });

  test("crafted headers: two keys, a header past the server's limit; a body is ignored, a huge one refused before the key is touched", async () => {
    const a = await keyFor();
    const b = await keyFor();
    // two X-NuGet-ApiKey lines arrive joined ("a, b"): neither key, not found
    const two = await keyApi("DELETE", `${a.plaintext}\r\nX-NuGet-ApiKey: ${b.plaintext}`);
    expect(two.statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
    const huge = await keyApi("GET", "y".repeat(20_000));
    expect(huge.status).toBe(431);

    const tooBig = await keyApi("DELETE", a.plaintext, { body: Buffer.alloc(1024 * 1024 + 1, 0x61), headers: { "Content-Type": "application/octet-stream" } });
    expect(tooBig.status).toBe(413);
    expect((await keyRow(a.id)).revokedAt).toBeNull();

    const withBody = await keyApi("DELETE", a.plaintext, { body: Buffer.from(JSON.stringify({ id: b.id })), headers: { "Content-Type": "application/json" } });
    expect(withBody.status).toBe(200);
    expect((await keyRow(a.id)).revokedAt).not.toBeNull();
    expect((await keyRow(b.id)).revokedAt).toBeNull();
  });

  test("an organization key whose user left the organization: 403 like the push; a verification key: 403, not consumed", async ({ request }) => {
    const admin = await insertTestUser(e2eDb());
    const org = await makeOrganization(e2eDb(), admin.id);
    const member = await insertTestUser(e2eDb());
    await joinOrganization(e2eDb(), admin.id, org.username, member, false);
    const leaver = await keyFor({ user: member, ownerId: org.id });
    expect((await keyApi("GET", leaver.plaintext)).status).toBe(200);
    // the membership row gone, as leaving or removal leaves it: the key's user no longer acts for its owner
    await e2eDb().membership.delete({ where: { organizationId_memberId: { organizationId: org.id, memberId: member.id } } });
    for (const method of ["GET", "DELETE"] as const) {
      const r = await keyApi(method, leaver.plaintext);
      expect(r.statusLine, method).toBe(`HTTP/1.1 403 ${INVALID}`);
      expect(r.headers["x-nuget-warning"]).toContain("no longer acts for");
    }
    expect((await keyRow(leaver.id)).revokedAt).toBeNull();

    // the administrator's own organization key works
    const adminKey = await keyFor({ user: admin, ownerId: org.id });
    const described = JSON.parse((await keyApi("GET", adminKey.plaintext)).body.toString());
    expect(described).toMatchObject({ user: admin.username, owner: org.username });

    const id = `Verify.${uid()}`;
    expect((await push(adminKey.plaintext, id)).status).toBe(201);
    const created = await request.post(`/api/v2/package/create-verification-key/${id}`, { headers: { "X-NuGet-ApiKey": adminKey.plaintext } });
    const { Key: verifyKey } = await created.json();
    for (const method of ["GET", "DELETE"] as const) {
      const r = await keyApi(method, verifyKey);
      expect(r.statusLine, method).toBe(`HTTP/1.1 403 ${INVALID}`);
      expect(r.headers["x-nuget-warning"]).toContain("verification key can only verify");
    }
    // still good for its one use
    expect((await request.get(`/api/v2/verifykey/${id}`, { headers: { "X-NuGet-ApiKey": verifyKey } })).status()).toBe(200);
  });
});
