import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { runJobs } from "./index";

const HOUR = 3_600_000;

describeEachDb("jobs: expired short-lived keys", (getDb) => {
  it("deletes Trusted Publishing keys expired over a day ago, and nothing else", async () => {
    const db = getDb();
    const user = await insertTestUser(db);
    const now = new Date();
    const old = await insertTestKey(db, { userId: user.id, expiresAt: new Date(now.getTime() - 25 * HOUR) });
    const recent = await insertTestKey(db, { userId: user.id, expiresAt: new Date(now.getTime() - HOUR) });
    const live = await insertTestKey(db, { userId: user.id, expiresAt: new Date(now.getTime() + HOUR) });
    const longLived = await insertTestKey(db, { userId: user.id, expiresAt: new Date(now.getTime() - 30 * 24 * HOUR) });
    await db.apiKey.updateMany({ where: { id: { in: [old.id, recent.id, live.id] } }, data: { type: "apikey.v5" } });

    const result = await runJobs(db, "http://gallery.test", now);

    expect(result.shortLivedKeysDeleted).toBe(1);
    const left = (await db.apiKey.findMany({ select: { id: true } })).map((k) => k.id).sort();
    expect(left).toEqual([recent.id, live.id, longLived.id].sort());
  });
});
