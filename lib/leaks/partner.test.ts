// The secret-scanning partner endpoint against a loopback "GitHub": the test's own P-256 key
// pair, served as a key list it can rotate and count requests to, on SQLite and PostgreSQL.
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateKey } from "@/lib/api-keys/key-material";
import type { Db } from "@/lib/create-db";
import { describeEachDb } from "@/tests/databases";
import { testMailDir } from "@/tests/mails";
import { insertTestKey, insertTestUser, insertTestVerificationKey } from "@/tests/api-keys";
import { joinOrganization, makeOrganization, TEST_ORIGIN } from "@/tests/organizations";
import { readCapped } from "@/lib/capped-body";
import { KeyList } from "./key-list";
import { settleLeakMails } from "./mails";
import { MAX_DISCLOSURE_BYTES, MAX_MATCHES, receiveDisclosure, type Partner } from "./partner";

const mailsTo = testMailDir("leaks-mail");

const pair = () => generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();

/** The loopback key list: entries settable, requests counted. */
const github = {
  entries: [] as { key_identifier: string; key: string; is_current: boolean }[],
  requests: 0,
  server: http.createServer((req, res) => {
    github.requests++;
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ public_keys: github.entries }));
  }),
  url: "",
};

const main = pair();
const rotated = pair();
const retired = pair();
const stranger = pair();

beforeAll(async () => {
  await new Promise<void>((resolve) => github.server.listen(0, "127.0.0.1", resolve));
  github.url = `http://127.0.0.1:${(github.server.address() as AddressInfo).port}/meta/public_keys/secret_scanning`;
  github.entries = [
    { key_identifier: "main", key: pem(main.publicKey), is_current: true },
    { key_identifier: "retired", key: pem(retired.publicKey), is_current: false },
  ];
});
afterAll(() => new Promise<void>((resolve) => github.server.close(() => resolve())));

function signed(body: string | Buffer, keyId = "main", privateKey = main.privateKey, partner: Partner = "github", family = 0) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const names =
    partner === "github"
      ? ["Github-Public-Key-Identifier", "Github-Public-Key-Signature"]
      : family === 0
        ? ["DepsDev-Public-Key-Identifier", "DepsDev-Public-Key-Signature"]
        : ["GOSST-PUBLIC-KEY-IDENTIFIER", "GOSST-PUBLIC-KEY-SIGNATURE"];
  const headers = new Headers({ [names[0]]: keyId, [names[1]]: sign("sha256", bytes, privateKey).toString("base64") });
  return { headers, body: bytes, origin: TEST_ORIGIN };
}

const match = (token: string, url = "https://github.com/octo/repo/blob/abc/nuget.config", source = "commit") => ({ token, type: "nuget_api_key", url, source });
const hash = (token: string) => createHash("sha256").update(token).digest("hex");

describeEachDb("GitHub secret-scanning partner endpoint", (getDb) => {
  let keys: KeyList;
  beforeAll(() => {
    keys = new KeyList({ url: github.url, cacheMs: 3_600_000, refetchMs: 60_000 });
  });

  const keyState = (db: Db, id: string) =>
    db.apiKey.findUniqueOrThrow({ where: { id }, select: { revokedAt: true, expiresAt: true, revocationSource: true, revocationUrl: true, lastUsedAt: true } });

  it("a one-time verification key (a GUID) is recognised: revoked (true_positive), then true_positive again; a made-up GUID is a false positive", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const verify = await insertTestVerificationKey(db, user.id);
    const madeUp = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const first = await receiveDisclosure(db, "github", signed(JSON.stringify([match(verify.plaintext), match(madeUp)])), keys);
    expect(first.body).toEqual([
      { token_hash: hash(verify.plaintext), token_type: "nuget_api_key", label: "true_positive" },
      { token_hash: hash(madeUp), token_type: "nuget_api_key", label: "false_positive" },
    ]);
    const after = await keyState(db, verify.id);
    expect(after.revocationSource).toBe("GitHub");
    expect(after.revocationUrl).toBe("https://github.com/octo/repo/blob/abc/nuget.config");
    const again = await receiveDisclosure(db, "github", signed(JSON.stringify([match(verify.plaintext)])), keys);
    expect(again.body).toEqual([{ token_hash: hash(verify.plaintext), token_type: "nuget_api_key", label: "true_positive" }]);
    await settleLeakMails();
  });

  it("a good batch: a live key is revoked (source GitHub, the URL kept, last use untouched) and its holder mailed; the feedback labels each token", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const lastUsed = new Date("2026-01-02T03:04:05Z");
    const live = await insertTestKey(db, { userId: user.id, name: "ci-key" });
    await db.apiKey.update({ where: { id: live.id }, data: { lastUsedAt: lastUsed } });
    const revoked = await insertTestKey(db, { userId: user.id, revokedAt: new Date(Date.now() - 1000) });
    const expired = await insertTestKey(db, { userId: user.id, createdAt: new Date(Date.now() - 10 * 86_400_000), expiresInDays: 1, expiresAt: new Date(Date.now() - 86_400_000) });
    const unknown = generateKey().plaintext;
    const badChecksum = live.plaintext.slice(0, -1) + (live.plaintext.endsWith("a") ? "b" : "a");
    const batch = [match(live.plaintext), match(revoked.plaintext), match(expired.plaintext), match(unknown), match(badChecksum), match("oy2short"), match("ghp_notours")];

    const answer = await receiveDisclosure(db, "github", signed(JSON.stringify(batch)), keys);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      { token_hash: hash(live.plaintext), token_type: "nuget_api_key", label: "true_positive" },
      { token_hash: hash(revoked.plaintext), token_type: "nuget_api_key", label: "true_positive" },
      { token_hash: hash(expired.plaintext), token_type: "nuget_api_key", label: "true_positive" },
      { token_hash: hash(unknown), token_type: "nuget_api_key", label: "false_positive" },
      { token_hash: hash(badChecksum), token_type: "nuget_api_key", label: "false_positive" },
      { token_hash: hash("oy2short"), token_type: "nuget_api_key", label: "false_positive" },
      { token_hash: hash("ghp_notours"), token_type: "nuget_api_key", label: "false_positive" },
    ]);
    // the answer never echoes a live secret
    expect(JSON.stringify(answer.body)).not.toContain(live.plaintext);

    const after = await keyState(db, live.id);
    expect(after.revokedAt).not.toBeNull();
    expect(after.expiresAt.getTime()).toBe(after.revokedAt!.getTime());
    expect(after.revocationSource).toBe("GitHub");
    expect(after.revocationUrl).toBe("https://github.com/octo/repo/blob/abc/nuget.config");
    expect(after.lastUsedAt?.toISOString()).toBe(lastUsed.toISOString());
    // the already revoked key keeps its own revocation
    expect((await keyState(db, revoked.id)).revocationSource).toBe("User");
    expect((await keyState(db, expired.id)).revokedAt).toBeNull();

    await settleLeakMails();
    const mails = mailsTo(`${user.username}@example.test`);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("Subject: [NuGet Gallery] API key 'ci-key' revoked due to a potential leak");
    expect(mails[0]).toContain("This is your friendly NuGet security bot!");
    expect(mails[0]).toContain("posted at GitHub (commit)");
    expect(mails[0]).toContain("Your key was found here: <https://github.com/octo/repo/blob/abc/nuget.config>");
    expect(mails[0]).toContain(`${TEST_ORIGIN}/account/apikeys`);
    const audit = await db.auditRecord.findFirstOrThrow({ where: { target: live.id, action: "RevokeCredential" } });
    expect(audit.details).toContain('"source":"GitHub"');
    expect(audit.details).not.toContain(live.plaintext);
  });

  it("the same report again: the key is already revoked, still true_positive, and no second mail", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const live = await insertTestKey(db, { userId: user.id });
    const body = JSON.stringify([match(live.plaintext)]);
    for (let i = 0; i < 2; i++) {
      const answer = await receiveDisclosure(db, "github", signed(body), keys);
      expect(answer.body).toEqual([{ token_hash: hash(live.plaintext), token_type: "nuget_api_key", label: "true_positive" }]);
    }
    await settleLeakMails();
    expect(mailsTo(`${user.username}@example.test`)).toHaveLength(1);
  });

  it("an empty URL: revoked, nothing stored as the URL, and the mail says none was given", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const live = await insertTestKey(db, { userId: user.id });
    const answer = await receiveDisclosure(db, "github", signed(JSON.stringify([{ token: live.plaintext, type: "nuget_api_key", url: "", source: "Content" }])), keys);
    expect(answer.status).toBe(200);
    expect((await keyState(db, live.id)).revocationUrl).toBeNull();
    await settleLeakMails();
    expect(mailsTo(`${user.username}@example.test`)[0]).toContain("We were not provided with the URL where the key was found.");
  });

  it("a key acting for an organization: its holder and each of the organization's administrators are mailed", async () => {
    const db = getDb();
    const [admin, member] = [await insertTestUser(db), await insertTestUser(db)];
    const org = await makeOrganization(db, admin.id);
    await joinOrganization(db, admin.id, org.username, member, false);
    const key = await insertTestKey(db, { userId: member.id, ownerId: org.id, name: "org-key" });
    await receiveDisclosure(db, "github", signed(JSON.stringify([match(key.plaintext)])), keys);
    await settleLeakMails();
    const toMember = mailsTo(`${member.username}@example.test`).filter((m) => m.includes("revoked due to a potential leak"));
    const toAdmin = mailsTo(`${admin.username}@example.test`).filter((m) => m.includes("revoked due to a potential leak"));
    expect(toMember).toHaveLength(1);
    expect(toAdmin).toHaveLength(1);
    expect(toAdmin[0]).toContain(`held by '${member.username}' and acting for your organization '${org.username}'`);
  });

  it("a bad or missing signature is refused and nothing is revoked", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const live = await insertTestKey(db, { userId: user.id });
    const body = JSON.stringify([match(live.plaintext)]);

    const tampered = signed(body);
    const oneByteOff = Buffer.from(body.replace("nuget.config", "nuget.confih"));
    expect((await receiveDisclosure(db, "github", { ...tampered, body: oneByteOff }, keys)).status).toBe(401);
    expect((await receiveDisclosure(db, "github", signed(body, "main", stranger.privateKey), keys)).status).toBe(401);
    expect((await receiveDisclosure(db, "github", { headers: new Headers(), body: Buffer.from(body), origin: TEST_ORIGIN }, keys)).status).toBe(400);
    const noSignature = signed(body);
    noSignature.headers.delete("Github-Public-Key-Signature");
    expect((await receiveDisclosure(db, "github", noSignature, keys)).status).toBe(400);
    const garbage = signed(body);
    garbage.headers.set("Github-Public-Key-Signature", "bm90IGEgc2lnbmF0dXJl");
    expect((await receiveDisclosure(db, "github", garbage, keys)).status).toBe(401);

    expect((await keyState(db, live.id)).revokedAt).toBeNull();
  });

  it("a key the list marks not current is refused", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const live = await insertTestKey(db, { userId: user.id });
    const answer = await receiveDisclosure(db, "github", signed(JSON.stringify([match(live.plaintext)]), "retired", retired.privateKey), keys);
    expect(answer).toEqual({ status: 401, body: { error: "Key id retired is not a current key." } });
    expect((await keyState(db, live.id)).revokedAt).toBeNull();
  });

  it("an unknown key id refetches the list once, not once per request; a key rotated in is then taken", async () => {
    const db = getDb();
    let now = 1_000_000;
    const list = new KeyList({ url: github.url, cacheMs: 3_600_000, refetchMs: 60_000 }, () => now);
    const body = JSON.stringify([match(generateKey().plaintext)]);
    const before = github.requests;
    expect((await receiveDisclosure(db, "github", signed(body), list)).status).toBe(200); // warms the cache
    expect(github.requests - before).toBe(1);

    for (let i = 0; i < 10; i++) expect((await receiveDisclosure(db, "github", signed(body, "made-up", stranger.privateKey), list)).status).toBe(401);
    expect(github.requests - before).toBe(2);

    // GitHub rotates a key in: within the refetch interval it is refused, after it one refetch takes it
    github.entries = [...github.entries, { key_identifier: "rotated", key: pem(rotated.publicKey), is_current: true }];
    try {
      expect((await receiveDisclosure(db, "github", signed(body, "rotated", rotated.privateKey), list)).status).toBe(401);
      expect(github.requests - before).toBe(2);
      now += 60_000;
      expect((await receiveDisclosure(db, "github", signed(body, "rotated", rotated.privateKey), list)).status).toBe(200);
      expect(github.requests - before).toBe(3);
      expect((await receiveDisclosure(db, "github", signed(body, "rotated", rotated.privateKey), list)).status).toBe(200);
      expect(github.requests - before).toBe(3);
    } finally {
      github.entries = github.entries.filter((e) => e.key_identifier !== "rotated");
    }
  });

  it("concurrent requests share one fetch of the list", async () => {
    const db = getDb();
    const list = new KeyList({ url: github.url, cacheMs: 3_600_000, refetchMs: 60_000 });
    const before = github.requests;
    const body = JSON.stringify([match(generateKey().plaintext)]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => receiveDisclosure(db, "github", signed(body), list)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(github.requests - before).toBe(1);
  });

  it("a key list that cannot be fetched: 503 (GitHub retries), nothing revoked", async () => {
    const db = getDb();
    const list = new KeyList({ url: "http://127.0.0.1:9/unreachable", cacheMs: 3_600_000, refetchMs: 60_000, timeoutMs: 2000 });
    const answer = await receiveDisclosure(db, "github", signed("[]"), list);
    expect(answer.status).toBe(503);
  });

  it("a 1,000-token batch: one answer per token, in order, every live key revoked", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const live = await Promise.all(Array.from({ length: 20 }, () => insertTestKey(db, { userId: user.id })));
    const tokens = Array.from({ length: 1000 }, (_, i) => (i % 50 === 0 ? live[i / 50].plaintext : i % 3 === 0 ? `oy2${"a".repeat(43)}` : generateKey().plaintext));
    const answer = await receiveDisclosure(db, "github", signed(JSON.stringify(tokens.map((t, i) => match(t, `https://github.com/o/r/blob/main/f${i}`)))), keys);
    expect(answer.status).toBe(200);
    const body = answer.body as { token_hash: string; label: string }[];
    expect(body).toHaveLength(1000);
    body.forEach((b, i) => {
      expect(b.token_hash).toBe(hash(tokens[i]));
      expect(b.label).toBe(i % 50 === 0 ? "true_positive" : "false_positive");
    });
    const rows = await db.apiKey.findMany({ where: { id: { in: live.map((k) => k.id) } }, select: { id: true, revocationSource: true, revocationUrl: true } });
    for (const row of rows) {
      const i = live.findIndex((k) => k.id === row.id) * 50;
      expect(row).toMatchObject({ revocationSource: "GitHub", revocationUrl: `https://github.com/o/r/blob/main/f${i}` });
    }
    await settleLeakMails();
    expect(mailsTo(`${user.username}@example.test`)).toHaveLength(20);
  });

  it("crafted bodies, validly signed: bad JSON, not an array, a 100,000-element array, elements without a token → 400, nothing revoked", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const live = await insertTestKey(db, { userId: user.id });
    for (const body of [
      `[${JSON.stringify(match(live.plaintext))}`,
      JSON.stringify({ token: live.plaintext }),
      `[${Array.from({ length: 100_000 }, () => "1").join(",")}]`,
      JSON.stringify([match(live.plaintext), { type: "x" }]),
      JSON.stringify([match(live.plaintext), [live.plaintext]]),
      "\u0000\u0001",
    ]) {
      const answer = await receiveDisclosure(db, "github", signed(body), keys);
      expect(answer.status, body.slice(0, 40)).toBe(400);
    }
    expect(MAX_MATCHES).toBeLessThan(100_000);
    expect((await keyState(db, live.id)).revokedAt).toBeNull();
  });

  it("a huge body is refused before it is read whole", async () => {
    const big = new Request("http://x/", { method: "POST", body: Buffer.alloc(MAX_DISCLOSURE_BYTES + 1, 0x20) });
    expect(await readCapped(big, MAX_DISCLOSURE_BYTES)).toBeNull();
    const announced = new Request("http://x/", { method: "POST", body: "[]", headers: { "content-length": String(50 * 1024 * 1024) } });
    expect(await readCapped(announced, MAX_DISCLOSURE_BYTES)).toBeNull();
    const fine = new Request("http://x/", { method: "POST", body: "[]" });
    expect(Buffer.from((await readCapped(fine, MAX_DISCLOSURE_BYTES))!).toString()).toBe("[]");
  });

  it("deps.dev: either header family, its own key list, source deps.dev, feedback {token_raw, label}; GitHub's headers are not its own", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const [a, b] = [await insertTestKey(db, { userId: user.id }), await insertTestKey(db, { userId: user.id })];
    const unknown = generateKey().plaintext;
    const depsKeys = new KeyList({ url: github.url, cacheMs: 3_600_000, refetchMs: 60_000 });
    // deps.dev sends token and url only
    const bodyA = JSON.stringify([{ token: a.plaintext, url: "https://www.npmjs.com/package/leaky" }, { token: unknown, url: "" }]);
    const answerA = await receiveDisclosure(db, "depsdev", signed(bodyA, "main", main.privateKey, "depsdev", 0), depsKeys);
    expect(answerA).toEqual({ status: 200, body: [{ token_raw: a.plaintext, label: "true_positive" }, { token_raw: unknown, label: "false_positive" }] });
    const answerB = await receiveDisclosure(db, "depsdev", signed(JSON.stringify([{ token: b.plaintext, url: "" }]), "main", main.privateKey, "depsdev", 1), depsKeys);
    expect(answerB.status).toBe(200);
    expect((await keyState(db, a.id)).revocationSource).toBe("deps.dev");
    expect((await keyState(db, b.id)).revocationSource).toBe("deps.dev");

    const c = await insertTestKey(db, { userId: user.id });
    const githubHeaders = signed(JSON.stringify([{ token: c.plaintext, url: "" }]));
    expect((await receiveDisclosure(db, "depsdev", githubHeaders, depsKeys)).status).toBe(400);
    expect((await keyState(db, c.id)).revokedAt).toBeNull();
    await settleLeakMails();
    expect(mailsTo(`${user.username}@example.test`).filter((m) => m.includes("deps.dev"))).toHaveLength(2);
  });
});
