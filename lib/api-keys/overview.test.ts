import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import type { Db } from "@/lib/create-db";
import { SHOWN_PER_FINDING, overviewData } from "./overview-present";
import { dropPushNew, isEmptyOverview, keyOverview, narrowingFor, revokeAllApiKeys } from "./overview";
import { createApiKey, listApiKeys } from "./store";

const mailDir = mkdtempSync(path.join(tmpdir(), "overview-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;

const DAY = 24 * 60 * 60 * 1000;

async function makeUser(db: Db, packages: string[] = []) {
  const username = `u_${randomBytes(5).toString("hex")}`;
  const user = await db.user.create({
    data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: new Date() },
  });
  for (const id of packages) {
    await db.packageRegistration.create({ data: { packageId: id, idKey: id.toLowerCase(), owners: { create: { userId: user.id } } } });
  }
  return user;
}

async function makeKey(db: Db, userId: string, opts: { subjects?: string[]; actions?: string[]; created: Date; lastUsedAt?: Date; days?: number }) {
  const res = await createApiKey(
    db,
    userId,
    { name: `k${randomBytes(3).toString("hex")}`, expiresInDays: opts.days ?? 365, ownerId: userId, actions: opts.actions ?? ["package:push"], subjects: opts.subjects ?? ["*"] },
    opts.created,
  );
  if (!res.ok) throw new Error(res.error);
  if (opts.lastUsedAt) await db.apiKey.update({ where: { id: res.key.id }, data: { lastUsedAt: opts.lastUsedAt } });
  return res.key;
}

async function push(db: Db, packageId: string, version: string, keyId: string | null, at: Date) {
  const reg = await db.packageRegistration.findUniqueOrThrow({ where: { idKey: packageId.toLowerCase() } });
  await db.packageVersion.create({
    data: { registrationId: reg.id, version, versionKey: version, size: 1, sha512: "x", pushedAt: at, pushedByKeyId: keyId },
  });
}

describeEachDb("api-keys overview", (getDb) => {
  const now = new Date("2026-06-01T00:00:00Z");
  const overviewOf = async (db: Db, userId: string, at = now) => keyOverview(db, await listApiKeys(db, userId), at);

  it("reports an active key never used, and not a revoked or expired one", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const key = await makeKey(db, user.id, { created: new Date(now.getTime() - DAY) });
    const expired = await makeKey(db, user.id, { created: new Date(now.getTime() - 2 * DAY), days: 1 });
    const o = await overviewOf(db, user.id);
    expect(o.neverUsed.map((k) => k.id)).toEqual([key.id]);
    expect(o.neverUsed.map((k) => k.id)).not.toContain(expired.id);
    expect(o.active).toBe(1);
  });

  it("reports a key idle for 90+ days by the clock given, not one used 89 days ago", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const created = new Date(now.getTime() - 200 * DAY);
    const idle = await makeKey(db, user.id, { created, lastUsedAt: new Date(now.getTime() - 90 * DAY) });
    await makeKey(db, user.id, { created, lastUsedAt: new Date(now.getTime() - 89 * DAY) });
    expect((await overviewOf(db, user.id)).idle.map((k) => k.id)).toEqual([idle.id]);
    // a day earlier, neither is idle yet
    expect((await overviewOf(db, user.id, new Date(now.getTime() - DAY))).idle).toEqual([]);
  });

  it("counts a rolled key's old secret's use: a roll does not make a used key 'never used' or idle", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const rolled = await makeKey(db, user.id, { created: new Date(now.getTime() - 200 * DAY) });
    // as roll.ts leaves it: the new secret unused, the replaced one used a day ago
    await db.apiKey.update({ where: { id: rolled.id }, data: { lastUsedAt: null, previousLastUsedAt: new Date(now.getTime() - DAY) } });
    const o = await overviewOf(db, user.id);
    expect(o.neverUsed).toEqual([]);
    expect(o.idle).toEqual([]);
  });

  it("reports a key expiring within 14 days, not one expiring in 15", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const soon = await makeKey(db, user.id, { created: new Date(now.getTime() - 77 * DAY), days: 90, lastUsedAt: now });
    await makeKey(db, user.id, { created: new Date(now.getTime() - 75 * DAY), days: 90, lastUsedAt: now });
    const o = await overviewOf(db, user.id);
    expect(o.expiringSoon.map((k) => k.id)).toEqual([soon.id]);
    expect(o.neverUsed).toEqual([]);
  });

  it("reports a glob matching N owned ids of which M < N were pushed in 90 days, suggesting those ids", async () => {
    const db = getDb();
    const p = `G${randomBytes(3).toString("hex")}`;
    const user = await makeUser(db, [`${p}.A`, `${p}.B`, `${p}.C`, `Other${p}`]);
    const key = await makeKey(db, user.id, { subjects: [`${p}.*`], actions: ["package:pushversion"], created: new Date(now.getTime() - 300 * DAY), lastUsedAt: now });
    await push(db, `${p}.B`, "1.0.0", null, new Date(now.getTime() - 200 * DAY));
    await push(db, `${p}.B`, "2.0.0", key.id, new Date(now.getTime() - 10 * DAY));
    // pushed by the key, but 100 days ago: not "in use"
    await push(db, `${p}.C`, "2.0.0", key.id, new Date(now.getTime() - 100 * DAY));
    const o = await overviewOf(db, user.id);
    expect(o.widerThanUse).toEqual([{ id: key.id, name: key.name, glob: `${p}.*`, matching: 3, pushed: [`${p}.B`] }]);
    expect(narrowingFor(o, key.id)).toEqual([`${p}.B`]);
    expect(narrowingFor(o, "someone-elses-key")).toBeNull();

    // a key that pushed every id its glob covers is not wider than its use
    const exact = await makeKey(db, user.id, { subjects: [`Other${p}*`], actions: ["package:pushversion"], created: now, lastUsedAt: now });
    await push(db, `Other${p}`, "1.0.0", exact.id, now);
    expect((await overviewOf(db, user.id)).widerThanUse.map((w) => w.id)).toEqual([key.id]);
  });

  it("counts a glob's matches and the exact ids beside it once each", async () => {
    const db = getDb();
    const p = `X${randomBytes(3).toString("hex")}`;
    const user = await makeUser(db, [`${p}.A`, `${p}.B`, `Side${p}`, `Unrelated${p}`]);
    const key = await makeKey(db, user.id, { subjects: [`${p}.*`, `Side${p}`], actions: ["package:pushversion"], created: now, lastUsedAt: now });
    await push(db, `Side${p}`, "1.0.0", key.id, now);
    const o = await overviewOf(db, user.id);
    expect(o.widerThanUse).toEqual([{ id: key.id, name: key.name, glob: `${p}.*`, matching: 3, pushed: [`Side${p}`] }]);
  });

  it("reports a used key allowing push new that never pushed a package's first version", async () => {
    const db = getDb();
    const p = `N${randomBytes(3).toString("hex")}`;
    const user = await makeUser(db, [`${p}.Old`, `${p}.New`]);
    const created = new Date(now.getTime() - 30 * DAY);
    const unused = await makeKey(db, user.id, { subjects: [`${p}.Old`], created, lastUsedAt: now });
    const maker = await makeKey(db, user.id, { subjects: [`${p}.New`], created, lastUsedAt: now });
    const versionsOnly = await makeKey(db, user.id, { subjects: [`${p}.Old`], actions: ["package:pushversion"], created, lastUsedAt: now });
    await push(db, `${p}.Old`, "1.0.0", null, new Date(now.getTime() - 20 * DAY));
    await push(db, `${p}.Old`, "1.1.0", unused.id, new Date(now.getTime() - 5 * DAY));
    await push(db, `${p}.New`, "1.0.0", maker.id, new Date(now.getTime() - 5 * DAY));
    const o = await overviewOf(db, user.id);
    expect(o.pushNewUnused.map((k) => k.id)).toEqual([unused.id]);
    expect(o.pushNewUnused.map((k) => k.id)).not.toContain(versionsOnly.id);
  });

  it("is empty for a user with only recently used, narrow keys", async () => {
    const db = getDb();
    const p = `E${randomBytes(3).toString("hex")}`;
    const user = await makeUser(db, [`${p}.A`]);
    const key = await makeKey(db, user.id, { subjects: [`${p}.A`], actions: ["package:pushversion"], created: now, lastUsedAt: now });
    await push(db, `${p}.A`, "1.0.0", key.id, now);
    expect(isEmptyOverview(await overviewOf(db, user.id))).toBe(true);
  });

  it("revokes all of the user's active keys in one go, audits each, sends one mail, leaves another user's keys", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const other = await makeUser(db);
    const created = new Date();
    const a = await makeKey(db, user.id, { created });
    const b = await makeKey(db, user.id, { created });
    const theirs = await makeKey(db, other.id, { created });
    expect(await revokeAllApiKeys(db, user.id)).toBe(2);
    const rows = await db.apiKey.findMany({ where: { id: { in: [a.id, b.id, theirs.id] } }, select: { id: true, revokedAt: true, revocationSource: true } });
    expect(rows.filter((r) => r.revokedAt).map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(rows.find((r) => r.id === theirs.id)?.revokedAt).toBeNull();
    expect(await db.auditRecord.count({ where: { action: "RevokeCredential", target: { in: [a.id, b.id] } } })).toBe(2);
    expect(await db.auditRecord.count({ where: { target: theirs.id, action: "RevokeCredential" } })).toBe(0);
    const mails = readdirSync(mailDir)
      .map((f) => readFileSync(path.join(mailDir, f), "utf8"))
      .filter((m) => m.includes(`To: ${user.email}`) && m.includes("All your API keys were revoked"));
    expect(mails).toHaveLength(1);
    // nothing left to revoke: no second mail
    expect(await revokeAllApiKeys(db, user.id)).toBe(0);
    expect(await db.apiKey.count({ where: { userId: other.id, revokedAt: null } })).toBe(1);
  });
});

describeEachDb("api-keys overview: dropping push new", (getDb) => {
  it("turns push new into push only new versions on the user's own active key, and refuses another user's", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const other = await makeUser(db);
    const key = await makeKey(db, user.id, { subjects: ["*"], actions: ["package:push", "package:unlist"], created: new Date() });
    const theirs = await makeKey(db, other.id, { created: new Date() });
    expect(await dropPushNew(db, user.id, theirs.id)).toBeNull();
    expect(await dropPushNew(db, user.id, "../../" + "x".repeat(500))).toBeNull();
    expect((await dropPushNew(db, user.id, key.id))?.actions.sort()).toEqual(["package:pushversion", "package:unlist"]);
    const [mine] = (await listApiKeys(db, user.id)).filter((k) => k.id === key.id);
    expect(mine.actions).toEqual(["package:pushversion", "package:unlist"]);
    expect(mine.subjects).toEqual(["*"]);
    expect((await listApiKeys(db, other.id))[0].actions).toEqual(["package:push"]);
    // nothing to drop any more
    expect(await dropPushNew(db, user.id, key.id)).toBeNull();
    expect(await db.auditRecord.count({ where: { action: "EditCredential", target: key.id } })).toBe(1);
  });
});

it("shows at most 5 keys per finding and counts the rest", () => {
  const keys = Array.from({ length: 8 }, (_, i) => ({ id: `k${i}`, name: `key ${i}` }));
  const data = overviewData(
    { neverUsed: keys, idle: [], expiringSoon: [], widerThanUse: [], pushNewUnused: keys.slice(0, 2), active: 8 },
    new Date(),
  );
  expect(data.neverUsed.map((k) => k.id)).toEqual(["k0", "k1", "k2", "k3", "k4"].slice(0, SHOWN_PER_FINDING));
  expect(data.more).toEqual({ neverUsed: 3, idle: 0, expiringSoon: 0, widerThanUse: 0, pushNewUnused: 0 });
  expect(data.pushNewUnused).toHaveLength(2);
});
