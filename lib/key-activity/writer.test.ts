// The batch writer on each engine: a full batch is written at once, a partial one after the
// flush time; while the database cannot be written the buffer holds its newest rows up to its
// capacity and counts the dropped, then writes them once it can; close() writes what is left.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { createDb, type Db } from "@/lib/create-db";
import { createBatchWriter, insertKeyActivity, type ActivityRow } from "./writer";

const row = (apiKeyId: string, action: string, at = new Date()): ActivityRow => ({
  apiKeyId,
  at,
  action,
  packageId: "Some.Package",
  version: "1.0.0",
  result: "allowed",
  status: 200,
  failedCheck: null,
  clientAddress: "2001:db8::1",
  userAgent: "NuGet xplat/6.0",
  secret: null,
});

async function until(check: () => Promise<boolean>, ms = 5_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDb("key activity batch writer", (getDb, provider, getUrl) => {
  const broken: Db[] = [];
  afterAll(async () => {
    for (const db of broken) await db.$disconnect().catch(() => {});
  });

  /** A client of a database that cannot be written: a SQLite file that does not exist, a PostgreSQL database that does not. */
  function unreachableDb(): Db {
    const url =
      provider === "sqlite"
        ? `file:${path.join(mkdtempSync(path.join(tmpdir(), "gone-")), "missing.db")}`
        : getUrl().replace(/\/[^/?]+(\?|$)/, `/nk_missing_${randomBytes(4).toString("hex")}$1`);
    const db = createDb(url);
    broken.push(db);
    return db;
  }

  async function newKey() {
    const user = await insertTestUser(getDb());
    return insertTestKey(getDb(), { userId: user.id });
  }

  const actions = async (keyId: string) =>
    (await getDb().keyActivity.findMany({ where: { apiKeyId: keyId }, select: { action: true } })).map((r) => r.action).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));

  it("one multi-row insert stores every column; a row whose key is gone is left out, the rest kept", async () => {
    const key = await newKey();
    const gone = await newKey();
    await getDb().apiKey.delete({ where: { id: gone.id } });
    const at = new Date("2026-11-30T10:11:12.345Z");
    await insertKeyActivity(getDb(), [
      { ...row(key.id, "push", at), result: "refused", status: 403, failedCheck: "subject", secret: "previous" },
      row(gone.id, "push"),
      row(key.id, "unlist"),
    ]);
    const stored = await getDb().keyActivity.findMany({ where: { apiKeyId: key.id }, orderBy: { at: "asc" } });
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({ at, action: "push", packageId: "Some.Package", version: "1.0.0", result: "refused", status: 403, failedCheck: "subject", clientAddress: "2001:db8::1", userAgent: "NuGet xplat/6.0", secret: "previous" });
    expect(await getDb().keyActivity.count({ where: { apiKeyId: gone.id } })).toBe(0);
  });

  it("a full batch is written at once, as one insert; a partial one waits for the flush time", async () => {
    const key = await newKey();
    const writes: number[] = [];
    const writer = createBatchWriter({ write: async (rows) => (writes.push(rows.length), insertKeyActivity(getDb(), rows)), maxRows: 10, flushMs: 60_000 });
    for (let i = 0; i < 9; i++) writer.add(row(key.id, `a${i}`));
    await pause(300);
    expect(writes).toEqual([]);
    writer.add(row(key.id, "a9"));
    await until(async () => (await actions(key.id)).length === 10);
    expect(writes).toEqual([10]);

    const timed = createBatchWriter({ write: async (rows) => (writes.push(rows.length), insertKeyActivity(getDb(), rows)), maxRows: 100, flushMs: 150 });
    const other = await newKey();
    for (let i = 0; i < 3; i++) timed.add(row(other.id, `b${i}`));
    expect(timed.stats().pending).toBe(3);
    await until(async () => (await actions(other.id)).length === 3);
    expect(writes).toEqual([10, 3]);
    expect(timed.stats()).toEqual({ pending: 0, written: 3, dropped: 0, failedWrites: 0 });
    await writer.close();
    await timed.close();
  });

  it("while the database cannot be written: the newest rows up to the capacity are kept, the oldest dropped and counted; written once it can", async () => {
    const key = await newKey();
    let target = unreachableDb();
    const writer = createBatchWriter({ write: (rows) => insertKeyActivity(target, rows), maxRows: 5, flushMs: 10, capacity: 20, maxRetryMs: 40 });
    for (let i = 0; i < 50; i++) {
      writer.add(row(key.id, `a${i}`));
      expect(writer.stats().pending).toBeLessThanOrEqual(20);
      if (i % 10 === 9) await pause(30);
    }
    // between two retries (a batch being tried is not pending): all 20 kept rows queued
    await until(async () => writer.stats().failedWrites >= 2 && writer.stats().pending === 20);
    expect(writer.stats()).toMatchObject({ pending: 20, written: 0, dropped: 30 });
    expect(await actions(key.id)).toEqual([]);

    target = getDb();
    // written, not merely taken off the queue (a batch in flight is no longer pending)
    await until(async () => writer.stats().written === 20);
    expect(await actions(key.id)).toEqual(Array.from({ length: 20 }, (_, i) => `a${i + 30}`));
    expect(writer.stats()).toMatchObject({ written: 20, dropped: 30 });
    await writer.close();
  });

  it("close() writes what is queued at once, and takes nothing after", async () => {
    const key = await newKey();
    const writer = createBatchWriter({ write: (rows) => insertKeyActivity(getDb(), rows), maxRows: 3, flushMs: 60_000 });
    for (let i = 0; i < 8; i++) writer.add(row(key.id, `a${i}`));
    const stats = await writer.close();
    expect(stats).toMatchObject({ pending: 0, written: 8, dropped: 0 });
    expect(await actions(key.id)).toHaveLength(8);
    writer.add(row(key.id, "late"));
    expect(writer.stats().pending).toBe(0);
  });
});
