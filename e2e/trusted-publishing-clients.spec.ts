// Trusted Publishing against the production build: this file plays GitHub's OIDC issuer (https on
// E2E_TP_PORT, a self-signed certificate the server trusts via NODE_EXTRA_CA_CERTS: Next's
// prepare() sets NODE_ENV=production, where lib/env.ts refuses a plain-http issuer), sends the
// token request exactly as NuGet/login does, and pushes with the returned key using the real
// NuGet clients (2.8.7 and 5.8).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { serializeCriteria } from "@/lib/trusted-publishing/criteria";
import { startIssuer, type TestIssuer } from "@/tests/oidc-issuer";
import { createUser, e2eDb, signIn, type TestUser } from "./fixtures";
import { checkClients, NUGET_CLIENTS, pack, push, type NugetClient, type RunResult } from "./nuget/clients";
import { findVersion, makeOrganization } from "./nuget/data";
import { rawRequest } from "./raw-http";

const BASE = process.env.E2E_BASE_URL!;
const V2 = `${BASE}/api/v2/package`;
const TOKEN_PATH = "/api/v2/token";
const AUDIENCE = "https://www.nuget.org";
const INVALID = "The specified API key is invalid, has expired, or does not have permission to access the specified package.";

// one worker for the whole file: it alone listens on the issuer's port
test.describe.configure({ mode: "serial", timeout: 180_000, retries: 1 });

let issuer: TestIssuer;
test.beforeAll(async () => {
  const tls = { key: readFileSync(process.env.E2E_TP_TLS_KEY!, "utf8"), cert: readFileSync(process.env.NODE_EXTRA_CA_CERTS!, "utf8") };
  issuer = await startIssuer({ audience: AUDIENCE, tls, port: Number(process.env.E2E_TP_PORT) });
});
test.afterAll(async () => issuer?.close());

async function seedPolicy(user: TestUser, opts: { ownerId?: string; scopes?: [string, string][] } = {}) {
  return e2eDb().trustedPublishingPolicy.create({
    data: {
      name: `release-${randomBytes(3).toString("hex")}`,
      createdById: user.id,
      ownerId: opts.ownerId ?? user.id,
      criteria: serializeCriteria({ owner: "contoso", ownerId: "65", repository: "contoso-sdk", repositoryId: "74", workflow: "release.yml" }),
      scopes: { create: (opts.scopes ?? []).map(([action, subject]) => ({ action, subject })) },
    },
  });
}

/** NuGet/login's request (src/index.ts, @actions/http-client): these headers, this body, nothing else. */
async function loginAction(username: string, token: string) {
  const body = Buffer.from(JSON.stringify({ username, tokenType: "ApiKey" }));
  const r = await rawRequest(BASE, {
    method: "POST",
    path: TOKEN_PATH,
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "User-Agent": "nuget/login-action" },
    body,
  });
  const json = JSON.parse(r.body.toString("utf8") || "null");
  return { ...r, json };
}

async function exchange(user: TestUser): Promise<string> {
  const r = await loginAction(user.username, await issuer.mint());
  expect(r.status, r.body.toString()).toBe(200);
  expect(r.headers["content-type"]).toContain("application/json");
  expect(r.json).toEqual({ tokenType: "ApiKey", expires: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/), apiKey: expect.stringMatching(/^oy2[a-z2-7]{43}$/) });
  return r.json.apiKey;
}

test("NuGet/login's request byte for byte: 200 with the key; its failures carry the reason phrase, the JSON error and WWW-Authenticate", async () => {
  const user = await createUser();
  const policy = await seedPolicy(user);
  const token = await issuer.mint();
  const ok = await loginAction(user.username, token);
  expect(ok.statusLine).toBe("HTTP/1.1 200 OK");
  const expires = Date.parse(ok.json.expires);
  expect(expires - Date.now()).toBeGreaterThan(14 * 60_000);
  expect(expires - Date.now()).toBeLessThanOrEqual(15 * 60_000);
  const row = await e2eDb().apiKey.findFirstOrThrow({ where: { policyId: policy.id } });
  expect(row).toMatchObject({ type: "apikey.v5", userId: user.id, ownerId: user.id });

  const replay = await loginAction(user.username, token);
  const message = "This bearer token has already been used. A new bearer token must be used for each request.";
  expect(replay.statusLine).toBe(`HTTP/1.1 401 ${message}`);
  expect(replay.json).toEqual({ error: message });
  expect(replay.headers["www-authenticate"]).toBe("Bearer");

  const workflow = await loginAction(user.username, await issuer.mint({ job_workflow_ref: "contoso/contoso-sdk/.github/workflows/ci.yml@refs/heads/main" }));
  expect(workflow.status).toBe(401);
  expect(workflow.json.error).toBe(`Workflow mismatch for policy '${policy.name}': expected 'release.yml', actual 'ci.yml'.`);
});

test("the wire: two Authorization headers, other methods, a 10 MB body, a garbage token", async () => {
  const user = await createUser();
  await seedPolicy(user);
  const token = await issuer.mint();
  const body = Buffer.from(JSON.stringify({ username: user.username, tokenType: "ApiKey" }));
  const headers = { "Content-Type": "application/json", "User-Agent": "nuget/login-action" };

  // raw lines: two Authorization headers (Node would otherwise keep only the first)
  const two = await rawRequest(BASE, { method: "POST", path: TOKEN_PATH, headers: { ...headers, Authorization: `Bearer ${token}\r\nAuthorization: Bearer ${token}` }, body });
  expect(two.statusLine).toBe("HTTP/1.1 401 Only one Authorization header is allowed.");

  for (const method of ["GET", "PUT", "DELETE"]) {
    expect((await rawRequest(BASE, { method, path: TOKEN_PATH, headers: { ...headers, Authorization: `Bearer ${token}` } })).status, method).toBe(404);
  }
  const huge = await rawRequest(BASE, { method: "POST", path: TOKEN_PATH, headers: { ...headers, Authorization: `Bearer ${token}` }, body: Buffer.alloc(10 * 1024 * 1024, 0x7b) });
  expect(huge.status).toBe(413);
  const garbage = await rawRequest(BASE, { method: "POST", path: TOKEN_PATH, headers: { ...headers, Authorization: `Bearer ${"x".repeat(8000)}` }, body });
  expect(garbage.statusLine).toBe("HTTP/1.1 401 The bearer token could not be parsed as a JSON web token.");
  const text = await rawRequest(BASE, { method: "POST", path: TOKEN_PATH, headers: { ...headers, "Content-Type": "text/plain", Authorization: `Bearer ${token}` }, body });
  expect(text.statusLine).toBe("HTTP/1.1 415 The request must have a Content-Type of 'application/json'.");

  // the token was never used by any of these: it still trades
  expect((await loginAction(user.username, token)).status).toBe(200);
});

test("a signed-in browser's cookies are refused: only Bearer authentication", async ({ page }) => {
  const user = await createUser();
  await seedPolicy(user);
  await signIn(page, user);
  const r = await page.request.post(TOKEN_PATH, {
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await issuer.mint()}`, "User-Agent": "nuget/login-action" },
    data: { username: user.username, tokenType: "ApiKey" },
  });
  expect(r.status()).toBe(401);
  expect(await r.json()).toEqual({ error: "Only Bearer token authentication is accepted." });
  // and the short-lived key the next exchange makes never shows on the API Keys page
  await exchange(user);
  await page.goto("/account/apikeys");
  await expect(page).toHaveURL(/\/account\/apikeys$/);
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await expect(page.getByText("Short-lived API key generated via a federated credential")).toHaveCount(0);
});

test.describe("real clients push with the exchanged key", () => {
  test.beforeEach(() => {
    const found = checkClients();
    if (found.ok) return;
    if (process.env.CI === "true") throw new Error(`NuGet clients missing (${found.missing.join(", ")})`);
    test.skip(true, `NuGet clients missing (${found.missing.join(", ")})`);
  });

  const newId = (client: NugetClient) => `TP.${client === "nuget-2.8.7" ? "N287" : "N58"}.T${randomBytes(4).toString("hex")}`;
  const expectOk = (r: RunResult) => {
    expect(r.output).toContain("Your package was pushed.");
    expect(r.exitCode, r.output).toBe(0);
  };

  for (const client of NUGET_CLIENTS) {
    test(`${client}: pushes a new id for the policy's organization, with no expiry warning; the policy's last use names it`, async () => {
      const admin = await createUser();
      const org = await makeOrganization(e2eDb(), admin.id);
      const policy = await seedPolicy(admin, { ownerId: org.id });
      const apiKey = await exchange(admin);
      const id = newId(client);
      const r = await push(client, await pack(id, "1.0.0"), { source: V2, apiKey });
      expectOk(r);
      expect(r.output).not.toMatch(/expires in/i);
      const row = await findVersion(id, "1.0.0");
      expect(row!.registration.owners.map((o) => o.userId)).toEqual([org.id]);
      expect(row!.pushedById).toBe(admin.id);
      const lastUse = JSON.parse((await e2eDb().trustedPublishingPolicy.findUniqueOrThrow({ where: { id: policy.id } })).lastUse!);
      expect(lastUse).toMatchObject({ repository: "contoso/contoso-sdk", runId: "1234567890", packageId: id, version: "1.0.0" });
    });

    test(`${client}: the policy's scopes hold; deleting the policy ends its key`, async () => {
      const user = await createUser();
      const prefix = `TPS${randomBytes(3).toString("hex")}`;
      const policy = await seedPolicy(user, { scopes: [["package:pushversion", `${prefix}.*`]] });
      const id = `${prefix}.Lib`;
      const seedKey = await exchange(user);
      // push-version only: a new id is refused even inside the glob, an id outside it too
      const refusedNew = await push(client, await pack(id, "1.0.0"), { source: V2, apiKey: seedKey });
      expect(refusedNew.exitCode, refusedNew.output).toBe(1);
      expect(refusedNew.output).toContain(INVALID);
      await e2eDb().trustedPublishingScope.create({ data: { policyId: policy.id, action: "package:push", subject: `${prefix}.*` } });
      const key = await exchange(user);
      expectOk(await push(client, await pack(id, "1.0.0"), { source: V2, apiKey: key }));
      const outside = await push(client, await pack(`Fabrikam.${prefix}`, "1.0.0"), { source: V2, apiKey: key });
      expect(outside.exitCode, outside.output).toBe(1);
      expect(outside.output).toContain(INVALID);

      await e2eDb().trustedPublishingPolicy.delete({ where: { id: policy.id } });
      const gone = await push(client, await pack(id, "1.0.1"), { source: V2, apiKey: key });
      expect(gone.exitCode, gone.output).toBe(1);
      expect(gone.output).toContain(INVALID);
      expect(await findVersion(id, "1.0.1")).toBeNull();
    });
  }
});
