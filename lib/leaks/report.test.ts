// The public leak report: the same answer for any key, live ones revoked afterwards, and a
// per-address limit that holds across two database clients (two instances) on both engines.
import { expect, it } from "vitest";
import { generateKey } from "@/lib/api-keys/key-material";
import { createDb } from "@/lib/create-db";
import { describeEachDb } from "@/tests/databases";
import { testMailDir } from "@/tests/mails";
import { insertTestKey, insertTestUser, insertTestVerificationKey } from "@/tests/api-keys";
import { authenticate } from "@/lib/api-keys/authenticate";
import { TEST_ORIGIN } from "@/tests/organizations";
import { settleLeakMails } from "./mails";
import { pruneFailures, throttleLimits } from "@/lib/accounts/throttle";
import { MAX_REPORTED_KEYS, receiveLeakReport, REPORT_ACCEPTED, reportLimits } from "./report";

const mailsTo = testMailDir("leak-report-mail");

const LIMITS = { maxPerIp: 1000, windowMs: 60_000 };
let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter % 250}-${Date.now()}`;
const body = (doc: unknown) => Buffer.from(typeof doc === "string" ? doc : JSON.stringify(doc));

describeEachDb("public leak report", (getDb, _provider, getUrl) => {
  it("live, revoked, unknown and malformed keys all get the same 202; the live one is revoked afterwards (source Report) and its holder mailed", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const live = await insertTestKey(db, { userId: user.id, name: "reported" });
    const revoked = await insertTestKey(db, { userId: user.id, revokedAt: new Date(Date.now() - 1000) });
    const answers = [];
    for (const keys of [[live.plaintext], [revoked.plaintext], [generateKey().plaintext], ["oy2-not-a-key"], ["hello"]]) {
      const receipt = await receiveLeakReport(db, { body: body({ keys }), ip: freshIp(), origin: TEST_ORIGIN }, LIMITS);
      answers.push(receipt.answer);
      await receipt.work;
    }
    for (const a of answers) expect(a).toEqual({ status: 202, body: { message: REPORT_ACCEPTED } });

    const row = await db.apiKey.findUniqueOrThrow({ where: { id: live.id }, select: { revokedAt: true, revocationSource: true, revocationUrl: true, lastUsedAt: true } });
    expect(row).toMatchObject({ revocationSource: "Report", revocationUrl: null, lastUsedAt: null });
    expect(row.revokedAt).not.toBeNull();
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: revoked.id }, select: { revocationSource: true } })).revocationSource).toBe("User");
    await settleLeakMails();
    const mails = mailsTo(`${user.username}@example.test`);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("API key 'reported' revoked due to a potential leak");
    expect(mails[0]).toContain("reported via the public revocation API");
  });

  it("GitHub's shape ({credentials: […]}) is accepted too; 1,000 keys at most; anything else is 422 and revokes nothing", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const live = await insertTestKey(db, { userId: user.id });
    const report = (b: Buffer | null) => receiveLeakReport(db, { body: b, ip: freshIp(), origin: TEST_ORIGIN }, LIMITS);
    const tooMany = [live.plaintext, ...Array.from({ length: MAX_REPORTED_KEYS }, () => "x")];
    for (const bad of [body(`{"keys": [`), body([live.plaintext]), body({ keys: [] }), body({ keys: tooMany }), body({ keys: [live.plaintext, 42] }), body({ keys: live.plaintext }), body("null")]) {
      const receipt = await report(bad);
      expect(receipt.answer.status).toBe(422);
      await receipt.work;
    }
    expect((await report(null)).answer.status).toBe(413);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: live.id }, select: { revokedAt: true } })).revokedAt).toBeNull();

    const receipt = await report(body({ credentials: [live.plaintext] }));
    expect(receipt.answer.status).toBe(202);
    await receipt.work;
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: live.id }, select: { revokedAt: true } })).revokedAt).not.toBeNull();
  });

  it("the per-address limit holds, across two instances (database clients), and lets the address in again after the window", async () => {
    const db = getDb();
    const other = createDb(getUrl());
    try {
      const limits = { maxPerIp: 3, windowMs: 60_000 };
      const ip = freshIp();
      const now = new Date();
      const report = (client: typeof db, at = now, from = ip) =>
        receiveLeakReport(client, { body: body({ keys: [generateKey().plaintext] }), ip: from, origin: TEST_ORIGIN }, limits, at).then(async (r) => {
          await r.work;
          return r.answer;
        });
      expect((await report(db)).status).toBe(202);
      expect((await report(other)).status).toBe(202);
      expect((await report(db)).status).toBe(202);
      const refused = await report(other);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers?.["Retry-After"])).toBeGreaterThan(0);
      expect((await report(db)).status).toBe(429);
      // parallel posts cannot slip through a check made before the others were counted: each is
      // written, then counted, so at most the limit pass (a burst may even be refused whole)
      const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => report(i % 2 ? db : other, now, `${ip}-burst`)));
      expect(burst.filter((a) => a.status === 202).length).toBeLessThanOrEqual(3);
      expect(burst.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(9);
      // another address is not affected
      expect((await report(db, now, freshIp())).status).toBe(202);
      // after the window
      expect((await report(db, new Date(now.getTime() + 61_000))).status).toBe(202);
    } finally {
      await other.$disconnect();
    }
  });

  it("the window is LEAK_REPORT_WINDOW_MINUTES alone: a shorter sign-in window neither shortens it nor prunes its rows", async () => {
    const env = { LEAK_REPORT_WINDOW_MINUTES: "60", LEAK_REPORT_MAX_PER_IP: "2", LOGIN_WINDOW_MINUTES: "5" };
    const limits = reportLimits(env);
    expect(limits).toEqual({ maxPerIp: 2, windowMs: 60 * 60_000 });
    const db = getDb();
    const ip = freshIp();
    const now = new Date();
    const report = (at: Date) =>
      receiveLeakReport(db, { body: body({ keys: [generateKey().plaintext] }), ip, origin: TEST_ORIGIN }, limits, at).then(async (r) => {
        await r.work;
        return r.answer.status;
      });
    expect(await report(now)).toBe(202);
    expect(await report(now)).toBe(202);
    // 10 minutes on: past the sign-in window, which a sign-in then prunes; the reports still count
    const later = new Date(now.getTime() + 10 * 60_000);
    await pruneFailures(db, throttleLimits(env), later);
    expect(await report(later)).toBe(429);
    // and past the report's own window they no longer do
    expect(await report(new Date(now.getTime() + 61 * 60_000))).toBe(202);
  });

  it("a one-time verification key (a GUID) is recognised too: revoked, its holder mailed; a made-up GUID changes nothing", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const verify = await insertTestVerificationKey(db, user.id);
    const other = await insertTestVerificationKey(db, user.id);
    const receipt = await receiveLeakReport(db, { body: body({ keys: [verify.plaintext.toUpperCase(), "00000000-0000-4000-8000-000000000000"] }), ip: freshIp(), origin: TEST_ORIGIN }, LIMITS);
    expect(receipt.answer.status).toBe(202);
    await receipt.work;
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: verify.id }, select: { revokedAt: true, revocationSource: true } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.revocationSource).toBe("Report");
    expect(await authenticate(db, verify.plaintext)).toMatchObject({ ok: false, failure: "revoked" });
    expect((await authenticate(db, other.plaintext)).ok).toBe(true);
    await settleLeakMails();
    expect(mailsTo(`${user.username}@example.test`).filter((m) => m.includes("API key 'Verification key for Contoso.Lib' revoked due to a potential leak"))).toHaveLength(1);
  });
});
