// Reading a key's last uses (only its holder's) and pruning past the retention, on each engine.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { runJobs } from "@/lib/jobs";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { insertKeyActivity, type ActivityRow } from "./writer";
import { ACTIVITY_SHOWN, listKeyActivity, pruneKeyActivity } from "./store";

const DAY = 86_400_000;
process.env.MAIL_DIR = mkdtempSync(path.join(tmpdir(), "activity-jobs-mail-"));
delete process.env.SMTP_URL;

const row = (apiKeyId: string, at: Date, action = "push"): ActivityRow => ({
  apiKeyId,
  at,
  action,
  packageId: null,
  version: null,
  result: "allowed",
  status: 201,
  failedCheck: null,
  clientAddress: null,
  userAgent: null,
  secret: null,
});

describeEachDb("key activity store", (getDb) => {
  it("listKeyActivity: the key's last 50 uses, newest first; another account's key id gets nothing", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const other = await insertTestUser(db);
    const key = await insertTestKey(db, { userId: user.id });
    const theirs = await insertTestKey(db, { userId: other.id });
    const start = Date.now() - DAY;
    await insertKeyActivity(db, Array.from({ length: 55 }, (_, i) => row(key.id, new Date(start + i * 1000), `a${i}`)));
    await insertKeyActivity(db, [row(theirs.id, new Date(), "theirs")]);

    const mine = await listKeyActivity(db, user.id, key.id);
    expect(mine).toHaveLength(ACTIVITY_SHOWN);
    expect(mine!.map((e) => e.action)).toEqual(Array.from({ length: 50 }, (_, i) => `a${54 - i}`));
    expect(await listKeyActivity(db, user.id, theirs.id)).toBeNull();
    expect(await listKeyActivity(db, other.id, key.id)).toBeNull();
    expect(await listKeyActivity(db, user.id, "no-such-key")).toBeNull();
    expect((await listKeyActivity(db, other.id, theirs.id))!.map((e) => e.action)).toEqual(["theirs"]);
  });

  it("pruneKeyActivity with an injected clock: only rows past the retention go, in bounded batches", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const key = await insertTestKey(db, { userId: user.id });
    // a clock far ahead of the other tests' rows, so this test's counts are its own
    const now = new Date(Date.now() + 1000 * DAY);
    const ago = (days: number, ms = 0) => new Date(now.getTime() - days * DAY + ms);
    const old = [ago(400), ago(120), ago(91), ago(90, -1), ago(90, -2)];
    const young = [ago(90, 1), ago(89), ago(1), now];
    await insertKeyActivity(db, [...old, ...young].map((at, i) => row(key.id, at, `a${i}`)));
    const othersBefore = await db.keyActivity.count({ where: { apiKeyId: { not: key.id } } });

    const result = await pruneKeyActivity(db, { retentionDays: 90, now, batchSize: 2 });
    expect(result).toEqual({ deleted: 5 + othersBefore, batches: Math.ceil((5 + othersBefore) / 2) });
    const left = await db.keyActivity.findMany({ where: { apiKeyId: key.id }, orderBy: { at: "asc" }, select: { at: true } });
    expect(left.map((r) => r.at)).toEqual(young);
    // nothing more to do: one query, no delete
    expect(await pruneKeyActivity(db, { retentionDays: 90, now, batchSize: 2 })).toEqual({ deleted: 0, batches: 0 });
  });

  it("the background jobs prune past KEY_ACTIVITY_RETENTION_DAYS (90 by default)", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const key = await insertTestKey(db, { userId: user.id });
    await insertKeyActivity(db, [row(key.id, new Date(Date.now() - 91 * DAY), "old"), row(key.id, new Date(Date.now() - 89 * DAY), "kept")]);
    const { activityPruned } = await runJobs(db, "http://gallery.test");
    expect(activityPruned.deleted).toBeGreaterThanOrEqual(1);
    expect((await db.keyActivity.findMany({ where: { apiKeyId: key.id }, select: { action: true } })).map((r) => r.action)).toEqual(["kept"]);
  });
});
