// The token exchange against a loopback OIDC issuer (spec B2/B3): the real validator, real
// RS256 signatures, the real key-set fetches, on SQLite and PostgreSQL.
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "@/lib/api-keys/authenticate";
import { listApiKeys } from "@/lib/api-keys/store";
import type { Db } from "@/lib/create-db";
import { runExpiryNotices } from "@/lib/jobs/expiry-notices";
import { settleLeakMails } from "@/lib/leaks/mails";
import type { Mail } from "@/lib/mail/mailer";
import { revokeLeakedKeys } from "@/lib/leaks/revoke";
import { listOrganizationKeys } from "@/lib/organizations/keys";
import { removeMember } from "@/lib/organizations/store";
import { insertTestUser } from "@/tests/api-keys";
import { describeEachDb } from "@/tests/databases";
import { startIssuer, type TestIssuer } from "@/tests/oidc-issuer";
import { joinOrganization, makeOrganization } from "@/tests/organizations";
import { serializeCriteria, type GitHubCriteria } from "./criteria";
import { EXCHANGE_MESSAGES, exchangeResponse, exchangeToken, type ExchangeSettings } from "./exchange";
import { readPolicyLastUse } from "./last-use";
import { MATCH_MESSAGES } from "./matching";
import { IssuerKeys, JWT_MESSAGES } from "./oidc";
import { recordPolicyPush, SHORT_LIVED_KEY_TYPE } from "./short-lived-keys";

process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "tp-mail-"));
delete process.env.SMTP_URL;

const AUDIENCE = "http://gallery.test";
const MINUTE = 60_000;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startIssuer({ audience: AUDIENCE });
});
afterAll(async () => issuer?.close());

function settingsFor(over: Partial<ExchangeSettings> = {}): ExchangeSettings {
  return {
    enabled: true,
    issuer: issuer.url,
    discoveryUrl: `${issuer.url}/.well-known/openid-configuration`,
    audience: AUDIENCE,
    allowInsecureIssuer: true,
    cacheTtlMs: 3600_000,
    minRefreshMs: 0,
    clockSkewSeconds: 0,
    keyLifetimeMinutes: 15,
    banned: new Set(["pull_request_target", "workflow_run"]),
    ...over,
  };
}

interface Sent {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  signedIn?: boolean;
  now?: Date;
}

async function send(db: Db, username: string, sent: Sent, settings = settingsFor(), keys = sharedKeys(settings)) {
  const headers = new Headers({ "Content-Type": "application/json", "User-Agent": "nuget/login-action" });
  if (sent.token !== null) headers.set("Authorization", `Bearer ${sent.token ?? (await issuer.mint())}`);
  for (const [k, v] of Object.entries(sent.headers ?? {})) headers.set(k, v);
  const body = sent.body === undefined ? JSON.stringify({ username, tokenType: "ApiKey" }) : typeof sent.body === "string" ? sent.body : JSON.stringify(sent.body);
  const request = new Request("http://gallery.test/api/v2/token", { method: "POST", headers, body });
  const response = exchangeResponse(await exchangeToken(db, request, { settings, keys, now: sent.now, signedIn: async () => sent.signedIn ?? false }));
  const text = await response.text();
  return { status: response.status, reason: response.statusText, headers: response.headers, json: text ? JSON.parse(text) : null };
}

let shared: IssuerKeys | null = null;
const sharedKeys = (s: ExchangeSettings) => (shared ??= new IssuerKeys(s));

const PERMANENT: GitHubCriteria = { owner: "contoso", ownerId: "65", repository: "contoso-sdk", repositoryId: "74", workflow: "release.yml" };

async function policy(db: Db, creatorId: string, opts: { ownerId?: string; criteria?: Partial<GitHubCriteria>; name?: string; scopes?: [string, string][]; createdAt?: Date } = {}) {
  const criteria = { ...PERMANENT, ...opts.criteria };
  return db.trustedPublishingPolicy.create({
    data: {
      name: opts.name ?? `policy-${randomUUID().slice(0, 8)}`,
      createdById: creatorId,
      ownerId: opts.ownerId ?? creatorId,
      criteria: serializeCriteria(criteria),
      createdAt: opts.createdAt,
      scopes: { create: (opts.scopes ?? []).map(([action, subject]) => ({ action, subject })) },
    },
  });
}

describeEachDb("trusted publishing exchange", (getDb) => {
  let db: Db;
  beforeAll(() => {
    db = getDb();
  });

  it("trades a token for a short-lived key of the policy's creator acting for its owner, with the policy's scopes", async () => {
    const user = await insertTestUser(db);
    const p = await policy(db, user.id, { scopes: [["package:pushversion", "Contoso.*"]] });
    const before = Date.now();
    const r = await send(db, user.username, {});
    const after = Date.now();
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(["tokenType", "expires", "apiKey"]);
    expect(r.json.tokenType).toBe("ApiKey");
    expect(r.json.expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    const expires = Date.parse(r.json.expires);
    expect(expires - before).toBeGreaterThan(14 * MINUTE);
    expect(expires - after).toBeLessThanOrEqual(15 * MINUTE);

    const auth = await authenticate(db, r.json.apiKey);
    if (!auth.ok) throw new Error(auth.failure);
    expect(auth.key).toMatchObject({ type: SHORT_LIVED_KEY_TYPE, userId: user.id, ownerId: user.id, scopes: [{ action: "package:pushversion", subject: "Contoso.*" }] });
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: auth.key.id } });
    expect(row).toMatchObject({ policyId: p.id, name: "Short-lived API key generated via a federated credential" });
    expect(row.secretHash).not.toContain(r.json.apiKey.slice(16, 40));

    // hidden from the API Keys page (and so from its overview and every count made from it)
    expect(await listApiKeys(db, user.id)).toEqual([]);
    const stored = await db.trustedPublishingPolicy.findUniqueOrThrow({ where: { id: p.id } });
    expect(stored.lastMatchedAt).not.toBeNull();
    expect(readPolicyLastUse(stored.lastUse)).toMatchObject({ repository: "contoso/contoso-sdk", runId: "1234567890", sha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678" });
    const actions = (await db.auditRecord.findMany({ where: { actorId: user.id }, select: { action: true } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["ExternalTokenValidated", "ComparePolicy", "ExchangeForApiKey"]));

    // a push with it adds the package to the policy's last use
    await recordPolicyPush(db, auth.key.id, "Contoso.Sdk", "1.0.0");
    const pushed = readPolicyLastUse((await db.trustedPublishingPolicy.findUniqueOrThrow({ where: { id: p.id } })).lastUse);
    expect(pushed).toMatchObject({ packageId: "Contoso.Sdk", version: "1.0.0", repository: "contoso/contoso-sdk" });
  });

  it("no expiry notice for a short-lived key, before or after it expires", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    expect((await send(db, user.username, {})).status).toBe(200);
    const sent: Mail[] = [];
    for (const minutes of [5, 20, 24 * 60]) {
      await runExpiryNotices(db, { origin: AUDIENCE, now: new Date(Date.now() + minutes * MINUTE), send: async (m) => void sent.push(m) });
    }
    expect(sent.filter((m) => JSON.stringify(m).includes(user.username))).toEqual([]);
  });

  it("a policy without scopes gives push and unlist on *", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const r = await send(db, user.username, {});
    const auth = await authenticate(db, r.json.apiKey);
    expect(auth.ok && auth.key.scopes.map((s) => `${s.action} ${s.subject}`).sort()).toEqual(["package:push *", "package:unlist *"]);
  });

  it("the same token twice: the second is a replay", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const token = await issuer.mint();
    expect((await send(db, user.username, { token })).status).toBe(200);
    const again = await send(db, user.username, { token });
    expect(again).toMatchObject({ status: 401, reason: EXCHANGE_MESSAGES.replay, json: { error: EXCHANGE_MESSAGES.replay } });
    expect(again.headers.get("www-authenticate")).toBe("Bearer");
    expect(await db.apiKey.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.auditRecord.count({ where: { actorId: user.id, action: "RejectReplay" } })).toBe(1);
  });

  it("20 racing exchanges of one token: exactly one key", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const token = await issuer.mint();
    const results = await Promise.all(Array.from({ length: 20 }, () => send(db, user.username, { token })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401 && r.json.error === EXCHANGE_MESSAGES.replay)).toHaveLength(19);
    expect(await db.apiKey.count({ where: { userId: user.id } })).toBe(1);
    expect(await db.federatedCredential.count({ where: { jti: JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).jti } })).toBe(1);
  });

  it("a temporary policy binds the token's ids on first use and is permanent from then on", async () => {
    const user = await insertTestUser(db);
    const validateBy = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const p = await policy(db, user.id, { criteria: { ownerId: undefined, repositoryId: undefined, validateBy } });
    expect((await send(db, user.username, {})).status).toBe(200);
    const bound = JSON.parse((await db.trustedPublishingPolicy.findUniqueOrThrow({ where: { id: p.id } })).criteria);
    expect(bound).toEqual({ owner: "contoso", ownerId: "65", repository: "contoso-sdk", repositoryId: "74", workflow: "release.yml" });
    expect(await db.auditRecord.count({ where: { actorId: user.id, action: "FirstUsePolicyUpdate", target: p.id } })).toBe(1);
    // a re-created repository of the same name (new ids) no longer matches, and is told nothing
    const other = await send(db, user.username, { token: await issuer.mint({ repository_id: "75" }) });
    expect(other).toMatchObject({ status: 401, json: { error: EXCHANGE_MESSAGES.noMatch(user.username) } });
  });

  it("concurrent first uses with different ids: one binds, the other is refused", async () => {
    const user = await insertTestUser(db);
    const validateBy = new Date(Date.now() + 86_400_000).toISOString();
    const p = await policy(db, user.id, { criteria: { ownerId: undefined, repositoryId: undefined, validateBy } });
    const tokens = await Promise.all(Array.from({ length: 6 }, (_, i) => issuer.mint({ repository_id: String(100 + (i % 2)) })));
    const results = await Promise.all(tokens.map((token) => send(db, user.username, { token })));
    const bound = JSON.parse((await db.trustedPublishingPolicy.findUniqueOrThrow({ where: { id: p.id } })).criteria);
    // every success carries the ids that were bound; every other one is refused
    const winners = tokens.filter((_, i) => results[i].status === 200).map((t) => JSON.parse(Buffer.from(t.split(".")[1], "base64url").toString()).repository_id);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    expect(new Set(winners)).toEqual(new Set([bound.repositoryId]));
    for (const r of results.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(401);
      const loser = bound.repositoryId === "100" ? "101" : "100";
      // it read the policy after the binding (no match) or before it (the concurrent-use message)
      expect([EXCHANGE_MESSAGES.noMatch(user.username), `${MATCH_MESSAGES.concurrentBind(`65/${loser}`, `65/${bound.repositoryId}`)}.`]).toContain(r.json.error);
    }
  });

  it("a temporary policy past validateBy has expired, in nuget.org's words", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id, { name: "Lapsed", criteria: { ownerId: undefined, repositoryId: undefined, validateBy: new Date(Date.now() - MINUTE).toISOString() } });
    const r = await send(db, user.username, {});
    expect(r).toMatchObject({ status: 401, json: { error: MATCH_MESSAGES.expired("Lapsed") } });
  });

  it("token lifetime, audience, issuer, jti: A6 step 1's messages", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const cases: [string, Promise<string>][] = [
      [JWT_MESSAGES.expired, issuer.mint({}, { nbf: -600, exp: -1 })],
      [JWT_MESSAGES.notYetValid, issuer.mint({}, { nbf: 120 })],
      [JWT_MESSAGES.badAudience, issuer.mint({ aud: "https://www.nuget.org" })],
      [JWT_MESSAGES.audCount, issuer.mint({ aud: [AUDIENCE, "https://other.test"] })],
      [JWT_MESSAGES.audMissing, issuer.mint({ aud: undefined })],
      [JWT_MESSAGES.jtiMissing, issuer.mint({ jti: undefined })],
      [JWT_MESSAGES.jtiMissing, issuer.mint({ jti: "  " })],
      [JWT_MESSAGES.issMissing, issuer.mint({ iss: undefined })],
      [JWT_MESSAGES.issNotHttps, issuer.mint({ iss: "ftp://127.0.0.1/x" })],
      [JWT_MESSAGES.issUnsupported, issuer.mint({ iss: "http://127.0.0.1:1" })],
      // the right authority, another issuer (GitHub Enterprise's /<slug>): exact iss fails
      [JWT_MESSAGES.notValidated, issuer.mint({ iss: `${issuer.url}/enterprise` })],
      [JWT_MESSAGES.notValidated, issuer.mint({ exp: undefined })],
    ];
    for (const [message, token] of cases) {
      const r = await send(db, user.username, { token: await token });
      expect({ status: r.status, error: r.json.error, reason: r.reason }).toEqual({ status: 401, error: message, reason: message });
    }
    // without the escape hatch a plain-http issuer is refused
    const strict = settingsFor({ allowInsecureIssuer: false });
    expect((await send(db, user.username, {}, strict)).json.error).toBe(JWT_MESSAGES.issNotHttps);
    expect(await db.apiKey.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.auditRecord.count({ where: { actorId: user.id, action: "ExternalTokenRejected" } })).toBe(cases.length + 1);
  });

  it("clock skew is allowed on exp", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const token = await issuer.mint({}, { nbf: -600, exp: -30 });
    expect((await send(db, user.username, { token }, settingsFor({ clockSkewSeconds: 60 }))).status).toBe(200);
  });

  it("alg none and HS256 signed with the RSA public key are refused; RS256 only", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const claims = JSON.parse(Buffer.from((await issuer.mint()).split(".")[1], "base64url").toString());
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
    const pem = issuer.publicKey("test-1").export({ type: "spki", format: "pem" });
    const hsInput = `${b64({ alg: "HS256", typ: "JWT", kid: "test-1" })}.${b64({ ...claims, jti: randomUUID() })}`;
    const hs256 = `${hsInput}.${createHmac("sha256", pem).update(hsInput).digest("base64url")}`;
    for (const token of [none, hs256]) {
      const r = await send(db, user.username, { token });
      expect(r).toMatchObject({ status: 401, json: { error: JWT_MESSAGES.notValidated } });
    }
    // a valid RS256 header over a changed payload: the signature fails
    const [h, , s] = (await issuer.mint()).split(".");
    const tampered = await send(db, user.username, { token: `${h}.${b64({ ...claims, jti: randomUUID(), repository_owner_id: "65" })}.${s}` });
    expect(tampered.json.error).toBe(JWT_MESSAGES.badSignature);
    expect(await db.apiKey.count({ where: { userId: user.id } })).toBe(0);
  });

  it("key rotation: a new kid refetches the key set once; an unknown kid after that refetch is an invalid signature", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const settings = settingsFor({ minRefreshMs: 3600_000 });
    const keys = new IssuerKeys(settings);
    issuer.published = ["test-1"];
    const start = issuer.jwksHits;
    expect((await send(db, user.username, {}, settings, keys)).status).toBe(200);
    expect(issuer.jwksHits - start).toBe(1);
    expect((await send(db, user.username, {}, settings, keys)).status).toBe(200);
    expect(issuer.jwksHits - start).toBe(1); // cached

    // rotate: only test-2 published. Within the refresh floor the unknown kid is not refetched
    issuer.published = ["test-2"];
    try {
      const floor = await send(db, user.username, { token: await issuer.mint({}, { kid: "test-2" }) }, settings, keys);
      expect(floor.json.error).toBe(JWT_MESSAGES.badSignature);
      expect(issuer.jwksHits - start).toBe(1);

      // with the floor passed (a fresh cache, minRefresh 0): one refetch, then success
      const open = settingsFor({ minRefreshMs: 0 });
      const keys2 = new IssuerKeys(open);
      issuer.published = ["test-1"];
      expect((await send(db, user.username, {}, open, keys2)).status).toBe(200);
      const mid = issuer.jwksHits;
      issuer.published = ["test-2"];
      expect((await send(db, user.username, { token: await issuer.mint({}, { kid: "test-2" }) }, open, keys2)).status).toBe(200);
      expect(issuer.jwksHits - mid).toBe(1);
      // a kid nobody publishes, signed by a rogue key: one refetch, still unknown
      const rogue = await send(db, user.username, { token: await issuer.mint({}, { kid: "rogue" }) }, open, keys2);
      expect(rogue.json.error).toBe(JWT_MESSAGES.badSignature);
      expect(issuer.jwksHits - mid).toBe(2);
      // test-2's kid but signed with the rogue key
      const forged = await send(db, user.username, { token: await issuer.mint({}, { kid: "test-2", signWith: "rogue" }) }, open, keys2);
      expect(forged.json.error).toBe(JWT_MESSAGES.badSignature);
    } finally {
      issuer.published = ["test-1"];
    }
  });

  it("concurrent exchanges on a cold cache share one key-set fetch", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const settings = settingsFor();
    const keys = new IssuerKeys(settings);
    const start = issuer.jwksHits;
    const tokens = await Promise.all(Array.from({ length: 30 }, () => issuer.mint()));
    const results = await Promise.all(tokens.map((token) => send(db, user.username, { token }, settings, keys)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(issuer.jwksHits - start).toBe(1);
    expect(keys.fetches).toBe(1);
  });

  it("an unreachable issuer: the keys last fetched still serve; with none fetched yet, could not be validated", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const lone = await startIssuer({ audience: AUDIENCE });
    const settings = { ...settingsFor(), issuer: lone.url, discoveryUrl: `${lone.url}/.well-known/openid-configuration`, cacheTtlMs: 0 };
    const keys = new IssuerKeys(settings);
    const cold = new IssuerKeys(settings);
    expect((await send(db, user.username, { token: await lone.mint() }, settings, keys)).status).toBe(200);
    const token = await lone.mint();
    const other = await lone.mint();
    await lone.close();
    expect((await send(db, user.username, { token }, settings, keys)).status).toBe(200);
    expect((await send(db, user.username, { token: other }, settings, cold)).json.error).toBe(JWT_MESSAGES.notValidated);
  });

  it("names match ignoring case; ids, workflow, environment and events as nuget.org", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id, { name: "Release", criteria: { environment: "Production" } });
    const ok = await send(db, user.username, { token: await issuer.mint({ repository_owner: "CONTOSO", repository: "Contoso/Contoso-SDK", environment: "production", job_workflow_ref: "Contoso/Contoso-SDK/.github/workflows/Release.yml@refs/tags/v1" }) });
    expect(ok.status).toBe(200);

    const cases: [Record<string, unknown>, string][] = [
      // not disclosed: the caller has not proven the repository
      [{ repository_owner_id: "66", environment: "Production" }, EXCHANGE_MESSAGES.noMatch(user.username)],
      [{ repository_owner: "fabrikam", repository: "fabrikam/contoso-sdk", environment: "Production" }, EXCHANGE_MESSAGES.noMatch(user.username)],
      [{ repository: "contoso/other", environment: "Production" }, EXCHANGE_MESSAGES.noMatch(user.username)],
      // disclosed
      [{ event_name: undefined }, `${MATCH_MESSAGES.missingClaim("event_name")}`],
      [{ event_name: "pull_request_target", environment: "Production" }, MATCH_MESSAGES.bannedEvent("pull_request_target") ],
      [
        { job_workflow_ref: "octo-org/shared/.github/workflows/publish.yml@refs/heads/main", environment: "Production" },
        MATCH_MESSAGES.workflowPrefix("octo-org/shared/.github/workflows/publish.yml@refs/heads/main", "contoso/contoso-sdk/.github/workflows/"),
      ],
      [{ job_workflow_ref: "contoso/contoso-sdk/.github/workflows/ci.yml@refs/heads/main", environment: "Production" }, `${MATCH_MESSAGES.workflowMismatch("Release", "release.yml", "ci.yml")}.`],
      [{ environment: undefined }, `${MATCH_MESSAGES.environmentMismatch("Release", "Production", "")}.`],
      [{ environment: "staging" }, `${MATCH_MESSAGES.environmentMismatch("Release", "Production", "staging")}.`],
    ];
    for (const [claims, message] of cases) {
      const r = await send(db, user.username, { token: await issuer.mint(claims) });
      expect({ status: r.status, error: r.json.error }).toEqual({ status: 401, error: message });
    }
  });

  it("disclosable reasons of several policies are joined; the first matching policy wins, oldest first", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id, { name: "A", criteria: { workflow: "a.yml" }, createdAt: new Date(Date.now() - 3 * MINUTE) });
    await policy(db, user.id, { name: "B", criteria: { workflow: "b.yml" }, createdAt: new Date(Date.now() - 2 * MINUTE) });
    const r = await send(db, user.username, {});
    expect(r.json.error).toBe(`${MATCH_MESSAGES.workflowMismatch("A", "a.yml", "release.yml")}. ${MATCH_MESSAGES.workflowMismatch("B", "b.yml", "release.yml")}.`);
    const c = await policy(db, user.id, { name: "C", createdAt: new Date(Date.now() - MINUTE) });
    const d = await policy(db, user.id, { name: "D" });
    const ok = await send(db, user.username, {});
    const key = await authenticate(db, ok.json.apiKey);
    const row = key.ok ? await db.apiKey.findUnique({ where: { id: key.key.id } }) : null;
    expect(row?.policyId).toBe(c.id);
    expect(row?.policyId).not.toBe(d.id);
  });

  it("only the username's own policies are tried: another account's matching policy is no match", async () => {
    const owner = await insertTestUser(db);
    const caller = await insertTestUser(db);
    await policy(db, owner.id);
    const r = await send(db, caller.username, {});
    expect(r).toMatchObject({ status: 401, json: { error: EXCHANGE_MESSAGES.noMatch(caller.username) } });
    expect(await db.apiKey.count({ where: { OR: [{ userId: owner.id }, { userId: caller.id }] } })).toBe(0);
  });

  it("an unknown username gets no-match without the token being parsed or any key fetched", async () => {
    const hits = issuer.jwksHits + issuer.discoveryHits;
    const r = await send(db, "nobody_here", { token: "garbage" }, settingsFor(), new IssuerKeys(settingsFor()));
    expect(r).toMatchObject({ status: 401, reason: EXCHANGE_MESSAGES.noMatch("nobody_here"), json: { error: EXCHANGE_MESSAGES.noMatch("nobody_here") } });
    expect(r.headers.get("www-authenticate")).toBe("Bearer");
    expect(issuer.jwksHits + issuer.discoveryHits).toBe(hits);
  });

  it("an organization's name as username: 400", async () => {
    const admin = await insertTestUser(db);
    const org = await makeOrganization(db, admin.id);
    const r = await send(db, org.username, {});
    expect(r).toMatchObject({ status: 400, json: { error: EXCHANGE_MESSAGES.organization } });
  });

  it("the header and body checks, in A5's order", async () => {
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const token = await issuer.mint();
    const cases: [Sent, number, string][] = [
      [{ token: null }, 401, EXCHANGE_MESSAGES.authMissing],
      [{ token: null, headers: { Authorization: `Basic ${token}` } }, 401, EXCHANGE_MESSAGES.authNotBearer],
      [{ token: null, headers: { Authorization: "Bearer    " } }, 401, EXCHANGE_MESSAGES.bearerMissing],
      [{ token: null, headers: { Authorization: `Bearer ${token}, Bearer ${token}` } }, 401, EXCHANGE_MESSAGES.authMultiple],
      [{ token, signedIn: true }, 401, EXCHANGE_MESSAGES.onlyBearer],
      [{ token, headers: { "Content-Type": "text/plain" } }, 415, EXCHANGE_MESSAGES.contentType],
      [{ token, headers: { "User-Agent": " " } }, 400, EXCHANGE_MESSAGES.userAgent],
      [{ token, body: { username: " ", tokenType: "ApiKey" } }, 400, EXCHANGE_MESSAGES.username],
      [{ token, body: "not json" }, 400, EXCHANGE_MESSAGES.username],
      [{ token, body: [user.username] }, 400, EXCHANGE_MESSAGES.username],
      [{ token, body: { username: user.username, tokenType: "apikey" } }, 400, EXCHANGE_MESSAGES.tokenType],
      [{ token, body: { username: user.username } }, 400, EXCHANGE_MESSAGES.tokenType],
      [{ token, body: "x".repeat(10 * 1024 * 1024) }, 413, EXCHANGE_MESSAGES.bodyTooLarge],
      [{ token: "x".repeat(100_000) }, 401, JWT_MESSAGES.unparsable],
      [{ token: "a.b.c" }, 401, JWT_MESSAGES.unparsable],
      [{ token: "\u00ff\u00fe garbage" }, 401, JWT_MESSAGES.unparsable],
    ];
    for (const [sent, status, message] of cases) {
      const r = await send(db, user.username, sent);
      expect({ status: r.status, error: r.json.error, reason: r.reason }).toEqual({ status, error: message, reason: message });
      expect(r.headers.get("www-authenticate")).toBe(status === 401 ? "Bearer" : null);
    }
    // field names bind without regard to case, and the token is still good after all that
    const ok = await send(db, user.username, { token, body: { UserName: user.username, TOKENTYPE: "ApiKey" }, headers: { "Content-Type": "application/json; charset=utf-8", Authorization: `bearer  ${token} ` } });
    expect(ok.status).toBe(200);
  });

  it("switched off: 404, empty", async () => {
    const r = await send(db, "anyone", {}, settingsFor({ enabled: false }));
    expect(r).toMatchObject({ status: 404, json: null });
  });

  it("the creator's and owner's state, checked after the match", async () => {
    const user = await insertTestUser(db, { locked: true });
    await policy(db, user.id);
    expect((await send(db, user.username, {})).json.error).toBe(`The user '${user.username}' is locked.`);
    const unconfirmed = await insertTestUser(db, { confirmed: false });
    await policy(db, unconfirmed.id);
    expect((await send(db, unconfirmed.username, {})).json.error).toBe(`The user '${unconfirmed.username}' does not have a confirmed email address.`);
    // without a matching policy the state is not revealed
    expect((await send(db, user.username, { token: await issuer.mint({ repository_owner_id: "1" }) })).json.error).toBe(EXCHANGE_MESSAGES.noMatch(user.username));

    const admin = await insertTestUser(db);
    const org = await makeOrganization(db, admin.id, { confirmed: false });
    await policy(db, admin.id, { ownerId: org.id });
    const r = await send(db, admin.username, {});
    expect(r).toMatchObject({ status: 400, json: { error: `The organization '${org.username}' does not have a confirmed email address.` } });
  });

  it("an organization's policy: a key acting for the organization, hidden from its key inventory; after the creator leaves, 400 scopes", async () => {
    const admin = await insertTestUser(db);
    const member = await insertTestUser(db);
    const org = await makeOrganization(db, admin.id);
    await joinOrganization(db, admin.id, org.username, member, false);
    await policy(db, member.id, { ownerId: org.id });
    const r = await send(db, member.username, {});
    expect(r.status).toBe(200);
    const auth = await authenticate(db, r.json.apiKey);
    expect(auth.ok && auth.key.ownerId).toBe(org.id);
    expect((await listOrganizationKeys(db, admin.id, org.username))?.keys).toEqual([]);

    const removed = await removeMember(db, admin.id, org.username, member.username);
    expect(removed.ok).toBe(true);
    // the key issued before stops working as any key of a former member does
    expect(await authenticate(db, r.json.apiKey)).toMatchObject({ ok: false, failure: "owner-mismatch" });
    const after = await send(db, member.username, {});
    expect(after).toMatchObject({ status: 400, json: { error: EXCHANGE_MESSAGES.scopes(org.username) } });
  });

  it("deleting or editing the policy (its keys deleted) and the key's expiry end the key", async () => {
    const user = await insertTestUser(db);
    const deleted = await policy(db, user.id);
    const first = await send(db, user.username, {});
    expect((await authenticate(db, first.json.apiKey)).ok).toBe(true);
    await db.trustedPublishingPolicy.delete({ where: { id: deleted.id } });
    expect(await authenticate(db, first.json.apiKey)).toMatchObject({ ok: false, failure: "not-found" });
    // the used jti outlives the policy
    expect(await db.federatedCredential.count({ where: { policyId: deleted.id } })).toBe(1);

    const edited = await policy(db, user.id);
    const second = await send(db, user.username, {});
    // as policies.ts edits: scopes replaced, the issued keys deleted
    await db.$transaction([
      db.trustedPublishingScope.deleteMany({ where: { policyId: edited.id } }),
      db.trustedPublishingScope.create({ data: { policyId: edited.id, action: "package:push", subject: "Other.*" } }),
      db.apiKey.deleteMany({ where: { policyId: edited.id } }),
    ]);
    expect(await authenticate(db, second.json.apiKey)).toMatchObject({ ok: false, failure: "not-found" });

    const third = await send(db, user.username, {});
    const now = Date.now();
    expect((await authenticate(db, third.json.apiKey, new Date(now + 14 * MINUTE))).ok).toBe(true);
    expect(await authenticate(db, third.json.apiKey, new Date(now + 61 * MINUTE))).toMatchObject({ ok: false, failure: "expired" });
  });
});

describeEachDb("trusted publishing keys reported as leaked", (getDb) => {
  it("a leaked short-lived key is revoked like any key (true positive), and then refused", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    await policy(db, user.id);
    const r = await send(db, user.username, {});
    const outcome = await revokeLeakedKeys(db, [{ token: r.json.apiKey, url: "https://github.com/contoso/contoso-sdk/blob/main/log.txt" }], "GitHub", { origin: AUDIENCE });
    await settleLeakMails();
    expect(outcome.verdicts).toEqual(["revoked"]);
    expect(await authenticate(db, r.json.apiKey)).toMatchObject({ ok: false, failure: "revoked" });
  });
});

describe("readPolicyLastUse", () => {
  it("reads what the exchange stores and nothing else", () => {
    expect(readPolicyLastUse(null)).toBeNull();
    expect(readPolicyLastUse("{")).toBeNull();
    expect(readPolicyLastUse(JSON.stringify({ at: "yesterday", repository: "a/b", runId: null, sha: null, workflowRef: null }))).toBeNull();
    const use = readPolicyLastUse(JSON.stringify({ at: "2026-08-20T12:00:00.000Z", repository: "a/b", runId: "1", sha: "abc", workflowRef: "a/b/.github/workflows/x.yml@main" }));
    expect(use?.at.toISOString()).toBe("2026-08-20T12:00:00.000Z");
    expect(use?.packageId).toBeUndefined();
  });
});
