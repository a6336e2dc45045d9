import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import type { Db } from "./create-db";
import { driverReader, driverWriter, TOUCH_KEY } from "./driver-sql";

// A request's queries outside any transaction must neither join nor see another request's open
// interactive transaction. On SQLite, Prisma's better-sqlite3 adapter runs every query on one
// connection: without createDb's lock, a bare write made while a transaction is open became part
// of it (and was undone by its rollback), and a bare read saw its uncommitted rows.

const tag = (what: string) => `${what}_${randomBytes(5).toString("hex")}`;
const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

/** A gate the test opens; `opened` resolves when it is. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** A user of their own with one live key. */
async function userWithKey(db: Db) {
  const username = tag("u");
  const user = await db.user.create({ data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test` } });
  const key = await db.apiKey.create({
    data: { userId: user.id, ownerId: user.id, name: "k", lookupId: tag("lookup"), secretHash: "h", expiresInDays: 1, expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return { user, key };
}

describeEachDb("database client", (getDb) => {
  it("a write outside a transaction survives that transaction's rollback, and a read outside it never sees its uncommitted rows", async () => {
    const db = getDb();
    const [inside, outside] = [tag("inside"), tag("outside")];
    const started = gate();
    const finish = gate();
    const rolledBack = db.$transaction(async (tx) => {
      await tx.auditRecord.create({ data: { action: "TxTest", target: inside } });
      started.open();
      await finish.opened;
      throw new Error("roll back");
    });
    await started.opened;
    // another request, meanwhile, with no transaction of its own (a Prisma query runs once
    // something awaits it: Promise.resolve starts each now)
    const write = Promise.resolve(db.auditRecord.create({ data: { action: "TxTest", target: outside } }));
    const read = Promise.resolve(db.auditRecord.count({ where: { target: inside } }));
    await tick();
    finish.open();
    await expect(rolledBack).rejects.toThrow("roll back");
    await write;
    expect(await db.auditRecord.count({ where: { target: outside } })).toBe(1);
    expect(await read).toBe(0);
    expect(await db.auditRecord.count({ where: { target: inside } })).toBe(0);
  });

  it("a transaction's own queries never wait for the outside ones waiting for it, and many of both interleaved all finish", async () => {
    const db = getDb();
    const run = tag("mix");
    const work = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0
        ? db.$transaction(async (tx) => {
            await tx.auditRecord.create({ data: { action: "TxTest", target: `${run}_tx_${i}` } });
            await tick(5);
            expect(await tx.auditRecord.count({ where: { target: `${run}_tx_${i}` } })).toBe(1);
            if (i % 4 === 0) throw new Error(`roll back ${i}`);
          })
        : db.auditRecord.create({ data: { action: "TxTest", target: `${run}_bare_${i}` } }),
    );
    const results = await Promise.allSettled(work);
    expect(results.map((r) => r.status)).toEqual(["rejected", "fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
    const kept = await db.auditRecord.findMany({ where: { target: { startsWith: run } }, select: { target: true } });
    expect(kept.map((r) => r.target).sort()).toEqual([`${run}_bare_1`, `${run}_bare_3`, `${run}_bare_5`, `${run}_bare_7`, `${run}_tx_2`, `${run}_tx_6`].sort());
  });

  it("a transaction that times out releases the database: the outside write waiting for it then runs", async () => {
    const db = getDb();
    const outside = tag("after_timeout");
    const started = gate();
    const stuck = db.$transaction(
      async (tx) => {
        await tx.auditRecord.create({ data: { action: "TxTest", target: tag("stuck") } });
        started.open();
        await tick(1_000);
      },
      { timeout: 200 },
    );
    await started.opened;
    await db.auditRecord.create({ data: { action: "TxTest", target: outside } });
    await expect(stuck).rejects.toThrow();
    expect(await db.auditRecord.count({ where: { target: outside } })).toBe(1);
  });

  it("the driver's reads and writes (the push path, the session check) run on their own connections: never inside a Prisma transaction", async () => {
    const db = getDb();
    const { user, key } = await userWithKey(db);
    const used = new Date("2030-01-01T00:00:00.000Z");
    const started = gate();
    const finish = gate();
    const rolledBack = db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { locked: true } });
      started.open();
      await finish.opened;
      throw new Error("roll back");
    });
    await started.opened;
    const read = driverReader(db).one<{ locked: boolean }>(
      { name: "tx_test_locked", sqlite: `SELECT locked FROM User WHERE id = ?`, postgresql: `SELECT locked FROM "User" WHERE id = $1`, columns: { locked: "boolean" } },
      [user.id],
    );
    expect(await read).toEqual({ locked: false });
    const touched = driverWriter(db).transaction([{ sql: TOUCH_KEY, params: [used, key.id, used] }], () => undefined);
    await tick();
    finish.open();
    await expect(rolledBack).rejects.toThrow("roll back");
    await touched;
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).toEqual(used);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).locked).toBe(false);
  });

  it("a transaction that reads, then writes, finishes though the driver's writer wrote in between (an upload while a push lands)", async () => {
    const db = getDb();
    const { user, key } = await userWithKey(db);
    const target = tag("after_read");
    const used = new Date("2030-01-01T00:00:00.000Z");
    const read = gate();
    // On SQLite a deferred transaction's first read pins its snapshot: a commit on another
    // connection after it made the later write fail at once ("database is locked", BUSY_SNAPSHOT)
    const transaction = db.$transaction(async (tx) => {
      expect(await tx.auditRecord.count({ where: { target } })).toBe(0);
      read.open();
      await tick();
      await tx.auditRecord.create({ data: { action: "TxTest", target } });
    });
    await read.opened;
    const touched = driverWriter(db).transaction([{ sql: TOUCH_KEY, params: [used, key.id, used] }], () => undefined);
    await Promise.all([transaction, touched]);
    expect(await db.auditRecord.count({ where: { target } })).toBe(1);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).toEqual(used);
  });
});
