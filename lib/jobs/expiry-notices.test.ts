import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey } from "@/tests/api-keys";
import { joinOrganization as join, makeOrganization as makeOrg } from "@/tests/organizations";
import { createDb, type Db } from "@/lib/create-db";
import type { Mail } from "@/lib/mail/mailer";
import { noticeDue, runExpiryNotices } from "./expiry-notices";

const mailDir = mkdtempSync(path.join(tmpdir(), "expiry-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;

const ORIGIN = "http://gallery.test";
const DAY = 86_400_000;
const MINUTE = 60_000;

function mailsTo(email: string): string[] {
  return readdirSync(mailDir)
    .map((f) => readFileSync(path.join(mailDir, f), "utf8"))
    // quoted-printable soft breaks first (a wrapped line may start with a space), then folded headers
    .map((m) => m.replace(/=\r?\n/g, "").replace(/\r?\n[ \t]+/g, " ").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))))
    .filter((m) => m.includes(`To: ${email}`));
}

async function makeUser(db: Db, { emailAllowed = true } = {}) {
  const username = `u_${randomBytes(5).toString("hex")}`;
  return db.user.create({ data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: new Date(), emailAllowed } });
}

/** A sender that keeps what it is given: the job's own mails, as built, without a mail server. */
function outbox() {
  const sent: Mail[] = [];
  return { sent, send: async (m: Mail) => void sent.push(m), to: (email: string) => sent.filter((m) => m.to === email) };
}

const kindOf = (m: Mail) => (m.subject.includes("has expired") ? "expired" : m.text.match(/expires in (\d+) days?\./)?.[1] ?? "?");

it("picks the notice due: 14 days, 7 days, 1 day before, or expired (looking back a week)", () => {
  const now = new Date("2026-12-01T00:00:00Z");
  const at = (ms: number) => noticeDue(new Date(now.getTime() + ms), now);
  expect([at(15 * DAY), at(14 * DAY), at(7 * DAY + 1), at(7 * DAY), at(DAY + 1), at(DAY), at(1), at(0), at(-6 * DAY), at(-8 * DAY)]).toEqual([
    null, "14d", "14d", "7d", "7d", "1d", "1d", "expired", "expired", null,
  ]);
});

describeEachDb("expiry notices", (getDb, provider, getUrl) => {
  it("sends 14, 7 and 1 day(s) before expiry and once expired, each once, naming the key, owner, scopes, packages, expiry and last used", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const t0 = new Date();
    const key = await insertTestKey(db, {
      userId: user.id,
      name: "nightly",
      actions: ["package:push", "package:unlist"],
      subjects: ["Contoso.*", "Fabrikam.Lib"],
      createdAt: new Date(t0.getTime() - 70 * DAY),
      expiresInDays: 90,
    });
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date("2026-11-20T10:00:00Z") } });
    const box = outbox();
    const run = (days: number) => runExpiryNotices(db, { origin: ORIGIN, now: new Date(t0.getTime() + days * DAY), send: box.send });
    for (const d of [0, 6.5, 6.6, 10, 13.5, 13.9, 19.5, 19.9, 20.5, 21, 26, 40]) await run(d);
    const mails = box.to(user.email);
    expect(mails.map(kindOf)).toEqual(["14", "7", "1", "expired"]);
    expect(mails.slice(0, 3).map((m) => m.subject)).toEqual(Array(3).fill("[NuGet Gallery] Your API key is about to expire"));
    expect(mails[3].subject).toBe("[NuGet Gallery] Your API key has expired");
    expect(mails[0].text).toContain(`Hi ${user.username},`);
    expect(mails[0].text).toContain("We wanted to inform you that your following API key(s) on NuGet Gallery will expire soon:");
    expect(mails[0].text).toContain("\u2022 nightly - expires in 14 days.");
    expect(mails[0].text).toContain(`Package owner: ${user.username}`);
    expect(mails[0].text).toContain("Scopes: Push new packages and package versions, Unlist or relist package versions");
    expect(mails[0].text).toContain("Packages: Fabrikam.Lib");
    expect(mails[0].text).toContain("Glob pattern: Contoso.*");
    expect(mails[0].text).toContain(`Expires: ${new Date(t0.getTime() + 20 * DAY).toISOString().slice(0, 10)}`);
    expect(mails[0].text).toContain("Last used: 2026-11-20 10:00:00 UTC");
    expect(mails[0].text).toContain(`Visit ${ORIGIN}/account/apikeys to generate a new API key(s)`);
    expect(mails[3].text).toContain("\u2022 nightly - has expired.");
    expect(mails.map((m) => m.text).join("")).not.toContain(key.plaintext);
    const notices = await db.keyNotice.findMany({ where: { apiKeyId: key.id }, select: { kind: true, sentAt: true }, orderBy: { claimedAt: "asc" } });
    expect(notices.map((n) => n.kind)).toEqual(["14d", "7d", "1d", "expired"]);
    expect(notices.every((n) => n.sentAt instanceof Date)).toBe(true);
  });

  it("an organization's key: its creator and every administrator, whatever their 'contact me' setting; a personal key only its creator; revoked keys none", async () => {
    const db = getDb();
    const [admin, admin2, creator, collaborator] = [
      await makeUser(db, { emailAllowed: false }),
      await makeUser(db, { emailAllowed: false }),
      await makeUser(db, { emailAllowed: false }),
      await makeUser(db),
    ];
    const org = await makeOrg(db, admin.id);
    await join(db, admin.id, org.username, admin2, true);
    await join(db, admin.id, org.username, creator, false);
    await join(db, admin.id, org.username, collaborator, false);
    await db.user.update({ where: { id: org.id }, data: { emailAllowed: false } });
    const soon = { createdAt: new Date(Date.now() - 85 * DAY), expiresInDays: 90 };
    await insertTestKey(db, { userId: creator.id, ownerId: org.id, name: "org release", subjects: ["Org.*"], ...soon });
    await insertTestKey(db, { userId: admin.id, name: "admin personal", ...soon });
    await insertTestKey(db, { userId: collaborator.id, ownerId: org.id, name: "revoked org key", ...soon, revokedAt: new Date() });
    // the app's own mailer, writing to MAIL_DIR
    await runExpiryNotices(db, { origin: ORIGIN });

    const subjectLine = "Subject: [NuGet Gallery] Your API key is about to expire";
    const about = (email: string, name: string) => mailsTo(email).filter((m) => m.includes(subjectLine) && m.includes(`${name} - expires in`));
    const [toCreator] = about(creator.email, "org release");
    expect(toCreator).toContain("your following API key(s)");
    expect(toCreator).toContain(`${ORIGIN}/account/apikeys`);
    for (const a of [admin, admin2]) {
      const [mail, ...more] = about(a.email, "org release");
      expect(more).toEqual([]);
      expect(mail).toContain(`Hi ${a.username},`);
      expect(mail).toContain(`the following API key(s) of organization '${org.username}' on NuGet Gallery will expire soon:`);
      expect(mail).toContain(`Package owner: ${org.username}`);
      expect(mail).toContain(`Created by: ${creator.username}`);
      expect(mail).toContain(`Visit ${ORIGIN}/organization/${org.username}/apikeys to see every API key of organization '${org.username}'. Its creator, '${creator.username}', can regenerate it`);
    }
    expect(about(collaborator.email, "org release")).toEqual([]);
    expect(mailsTo(org.email).filter((m) => m.includes(subjectLine))).toEqual([]);
    // a personal key: its creator only, although they administer an organization
    expect(about(admin.email, "admin personal")).toHaveLength(1);
    for (const other of [admin2, creator, collaborator]) expect(about(other.email, "admin personal")).toEqual([]);
    for (const anyone of [admin, admin2, creator, collaborator]) expect(about(anyone.email, "revoked org key")).toEqual([]);
  });

  it("each notice carries the renew link (to the key's holder only) and its last pushes: newest first, the last 5 within 30 days", async () => {
    const db = getDb();
    const [admin, creator] = [await makeUser(db), await makeUser(db)];
    const org = await makeOrg(db, admin.id);
    await join(db, admin.id, org.username, creator, false);
    const soon = { createdAt: new Date(Date.now() - 85 * DAY), expiresInDays: 90 };
    const key = await insertTestKey(db, { userId: creator.id, ownerId: org.id, name: "busy", ...soon });
    const other = await insertTestKey(db, { userId: creator.id, ownerId: org.id, name: "quiet", ...soon });
    const id = `Renew.${randomBytes(4).toString("hex")}`;
    const registration = await db.packageRegistration.create({ data: { packageId: id, idKey: id.toLowerCase(), owners: { create: { userId: org.id } } } });
    const push = (version: string, daysAgo: number, apiKeyId: string) =>
      db.packageVersion.create({
        data: { registrationId: registration.id, version, versionKey: version, size: 1, sha512: "x", pushedAt: new Date(Date.now() - daysAgo * DAY), pushedById: creator.id, pushedByKeyId: apiKeyId, pushedByKeyName: "busy" },
      });
    // seven in the window, one too old, one by the other key
    for (const [i, daysAgo] of [10, 1, 3, 2, 20, 5, 29].entries()) await push(`1.0.${i}`, daysAgo, key.id);
    await push("0.9.0", 31, key.id);
    await push("2.0.0", 0.5, other.id);
    const box = outbox();
    await runExpiryNotices(db, { origin: ORIGIN, send: box.send });

    const [toCreator] = box.to(creator.email).filter((m) => m.text.includes("busy - expires in"));
    expect(toCreator.text).toContain(`Renew it with the same settings: ${ORIGIN}/account/apikeys/renew/${key.id}`);
    const listed = toCreator.text.split("\n").filter((l) => l.startsWith("    - "));
    expect(listed.map((l) => l.trim().split(" ").slice(1, 3).join(" "))).toEqual([`${id} 1.0.1`, `${id} 1.0.3`, `${id} 1.0.2`, `${id} 1.0.5`, `${id} 1.0.0`]);
    expect(toCreator.text).toContain("  Recently pushed:\n");
    expect(toCreator.text).not.toContain("0.9.0");
    expect(toCreator.text).not.toContain("2.0.0");
    // no secret: the link carries the key's id only
    expect(toCreator.text).not.toContain(key.plaintext);
    const [quiet] = box.to(creator.email).filter((m) => m.text.includes("quiet - expires in"));
    expect(quiet.text).toContain(`  - ${id} 2.0.0 (`);
    // an administrator may not renew a colleague's key: no renew link for them
    const [toAdmin] = box.to(admin.email).filter((m) => m.text.includes("busy - expires in"));
    expect(toAdmin.text).not.toContain("/renew/");
    expect(toAdmin.text).toContain(`  - ${id} 1.0.1 (`);
    // a key that pushed nothing lately says so
    const idle = await insertTestKey(db, { userId: admin.id, name: "idle", ...soon });
    await runExpiryNotices(db, { origin: ORIGIN, send: box.send });
    const [toIdle] = box.to(admin.email).filter((m) => m.text.includes("idle - expires in"));
    expect(toIdle.text).toContain("Recently pushed: nothing in the last 30 days");
    expect(toIdle.text).toContain(`${ORIGIN}/account/apikeys/renew/${idle.id}`);
  });

  it("three concurrent runs (small pages; on PostgreSQL over two connections) send every notice exactly once", async () => {
    const db = getDb();
    // Two instances are two processes. Two SQLite clients in one process would block each
    // other's event loop on the write lock (lib/driver-sql.ts), so there the runs share one
    // client and interleave at every await; PostgreSQL gets a second connection pool.
    const second = provider === "postgresql" ? createDb(getUrl()) : db;
    try {
      const user = await makeUser(db);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await insertTestKey(db, { userId: user.id, name: `racer ${i}`, createdAt: new Date(Date.now() - 85 * DAY), expiresInDays: 90 })).id);
      const box = outbox();
      const now = new Date();
      await Promise.all([
        runExpiryNotices(db, { origin: ORIGIN, now, pageSize: 3, send: box.send }),
        runExpiryNotices(second, { origin: ORIGIN, now, pageSize: 3, send: box.send }),
        runExpiryNotices(db, { origin: ORIGIN, now, pageSize: 5, send: box.send }),
      ]);
      const names = box.to(user.email).map((m) => m.text.match(/racer \d+/)![0]);
      expect(names.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `racer ${i}`).sort());
      expect(await db.keyNotice.count({ where: { apiKeyId: { in: ids }, kind: "7d", sentAt: { not: null } } })).toBe(12);
    } finally {
      if (second !== db) await second.$disconnect();
    }
  });

  it("resumes a run that died after its claim: a stale unsent claim is sent once by the next run, a fresh one is left to its run, an obsolete one is dropped", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const now = new Date();
    const soon = { createdAt: new Date(now.getTime() - 89.5 * DAY), expiresInDays: 90 };
    const failing = await insertTestKey(db, { userId: user.id, name: "mail server down", ...soon });

    // a run whose mail fails: claimed, not sent
    const down = await runExpiryNotices(db, { origin: ORIGIN, now, send: async () => { throw new Error("mail server down"); } });
    expect(down.failed).toBeGreaterThanOrEqual(1);
    expect(await db.keyNotice.findUnique({ where: { apiKeyId_kind: { apiKeyId: failing.id, kind: "1d" } }, select: { sentAt: true } })).toEqual({ sentAt: null });

    // a run killed between the claim and the send leaves the same row
    const died = await insertTestKey(db, { userId: user.id, name: "killed", ...soon });
    await db.keyNotice.create({ data: { apiKeyId: died.id, kind: "1d", claimedAt: new Date(now.getTime() - 20 * MINUTE) } });
    // a claim another instance makes ten minutes on, still sending when the runs below look
    const busy = await insertTestKey(db, { userId: user.id, name: "in flight", ...soon });
    await db.keyNotice.create({ data: { apiKeyId: busy.id, kind: "1d", claimedAt: new Date(now.getTime() + 10 * MINUTE) } });
    // a stale claim for a key revoked since: no longer due
    const gone = await insertTestKey(db, { userId: user.id, name: "revoked since", ...soon });
    await db.keyNotice.create({ data: { apiKeyId: gone.id, kind: "1d", claimedAt: new Date(now.getTime() - 20 * MINUTE) } });
    await db.apiKey.update({ where: { id: gone.id }, data: { revokedAt: now, expiresAt: now, revocationSource: "User" } });

    const box = outbox();
    const names = () => box.to(user.email).map((m) => m.text.match(/\u2022 (.+?) - /)![1]).sort();
    await runExpiryNotices(db, { origin: ORIGIN, now: new Date(now.getTime() + MINUTE), send: box.send });
    expect(names()).toEqual(["killed"]);
    // 16 minutes on, the failed claim is stale too: taken over and sent; the others are not touched again
    const later = new Date(now.getTime() + 16 * MINUTE);
    const [a, b] = await Promise.all([
      runExpiryNotices(db, { origin: ORIGIN, now: later, send: box.send }),
      runExpiryNotices(db, { origin: ORIGIN, now: later, send: box.send }),
    ]);
    expect(a.resumed + b.resumed).toBeGreaterThanOrEqual(1);
    expect(names()).toEqual(["killed", "mail server down"]);
    await runExpiryNotices(db, { origin: ORIGIN, now: new Date(now.getTime() + 40 * MINUTE), send: box.send });
    // "in flight" is stale by now too: its run never finished either, so it is sent once, here
    expect(names()).toEqual(["in flight", "killed", "mail server down"]);
    await runExpiryNotices(db, { origin: ORIGIN, now: new Date(now.getTime() + 60 * MINUTE), send: box.send });
    expect(names()).toEqual(["in flight", "killed", "mail server down"]);
    const rows = await db.keyNotice.findMany({ where: { apiKeyId: { in: [failing.id, died.id, busy.id, gone.id] } }, select: { apiKeyId: true, sentAt: true } });
    expect(rows.filter((r) => r.sentAt).map((r) => r.apiKeyId).sort()).toEqual([failing.id, died.id, busy.id].sort());
    expect(rows.some((r) => r.apiKeyId === gone.id)).toBe(false);
  });
});
