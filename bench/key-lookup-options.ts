// CPU per key lookup of authenticate(): its real query (KEY_BY_LOOKUP_ID) through the driver, as the API
// runs it (driverReader in lib/driver-sql.ts), against the same SQL through Prisma and against
// Prisma's own query for the same row. It answers whether the driver path still earns its keep,
// e.g. after a Prisma upgrade. Both engines, each a fresh migrated database with one key:
// SQLite under .data/bench, PostgreSQL on TEST_DATABASE_URL_PG (skipped when not reachable).
// The options are timed in alternating rounds, so a busy neighbour skews the ratios less.
// On PostgreSQL only this process's CPU is counted, not the server's.
// Measured 2026-11-26 on two machines: Prisma costs about 0.3 ms of CPU for even a bare indexed
// lookup on SQLite (0.9-1.7 ms with the key check's relations, 1.3-1.9 ms on PostgreSQL), more
// than the whole keyless request; the driver costs 10-16 µs on SQLite and 0.1-0.2 ms on PostgreSQL.
//   npx tsx bench/key-lookup-options.ts
import Database from "better-sqlite3";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { register } from "node:module";
import path from "node:path";
import pg from "pg";
import { createDb, isPostgresUrl, type Db } from "@/lib/create-db";
import { driverReader, KEY_BY_LOOKUP_ID } from "@/lib/driver-sql";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { withDatabase } from "@/tests/global-setup";

register(new URL("../e2e/nuget/server-only-hook.mjs", import.meta.url));
const { authenticate } = await import("@/lib/api-keys/authenticate");

const root = path.resolve(import.meta.dirname, "..");
const ROUNDS = 6;
const CALLS_PER_ROUND = 400;

interface Option {
  name: string;
  call: () => Promise<unknown>;
  micros: { cpu: number; wall: number };
}

function migrate(url: string) {
  execFileSync(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  // WAL, as the app runs SQLite (scripts/prepare-db.mjs)
  if (isPostgresUrl(url)) return;
  const sqlite = new Database(url.slice("file:".length));
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
}

async function measure(db: Db, url: string) {
  const user = await insertTestUser(db);
  const key = await insertTestKey(db, { userId: user.id, actions: ["package:push", "package:unlist"], subjects: ["Contoso.*", "Fabrikam.Lib"] });
  const { lookupId } = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { lookupId: true } });
  const sql = isPostgresUrl(url) ? KEY_BY_LOOKUP_ID.postgresql : KEY_BY_LOOKUP_ID.sqlite;
  const options: Option[] = [
    { name: "driver: KEY_BY_LOOKUP_ID via driverReader (what authenticate() runs)", call: () => driverReader(db).one(KEY_BY_LOOKUP_ID, [lookupId]) },
    { name: "Prisma $queryRawUnsafe, the same SQL", call: () => db.$queryRawUnsafe(sql, lookupId) },
    {
      name: "Prisma findUnique, the same row with 3 relations",
      call: () =>
        db.apiKey.findUnique({
          where: { lookupId },
          select: {
            id: true, type: true, name: true, userId: true, ownerId: true, secretHash: true, expiresAt: true, lastUsedAt: true, revokedAt: true,
            user: { select: { isOrganization: true } },
            owner: { select: { username: true, emailConfirmedAt: true, locked: true } },
            scopes: { select: { action: true, subject: true } },
          },
        }),
    },
    { name: "authenticate(): parse, checksum, driver lookup, hash compare", call: () => authenticate(db, key.plaintext) },
  ].map((o) => ({ ...o, micros: { cpu: 0, wall: 0 } }));

  for (const o of options) for (let i = 0; i < 200; i++) await o.call();
  // every option must find the key's row: a query that finds nothing would time something else
  const found = async (o: Option) => {
    const r = (await o.call()) as { ok?: boolean; key?: { id: string }; id?: string } | { id: string }[] | null;
    return Array.isArray(r) ? r[0]?.id : r && "ok" in r ? r.key?.id : r?.id;
  };
  for (const o of options) if ((await found(o)) !== key.id) throw new Error(`${o.name}: did not find the bench key`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const o of options) {
      const cpu = process.cpuUsage();
      const wall = performance.now();
      for (let i = 0; i < CALLS_PER_ROUND; i++) await o.call();
      const d = process.cpuUsage(cpu);
      o.micros.cpu += d.user + d.system;
      o.micros.wall += (performance.now() - wall) * 1000;
    }
  }
  const calls = ROUNDS * CALLS_PER_ROUND;
  const driverCpu = options[0].micros.cpu / calls;
  for (const o of options) {
    const cpu = o.micros.cpu / calls;
    console.log(`  ${o.name.padEnd(62)} ${cpu.toFixed(1).padStart(7)} µs CPU ${(o.micros.wall / calls).toFixed(1).padStart(7)} µs wall  ${(cpu / driverCpu).toFixed(1).padStart(5)}x the driver's CPU`);
  }
}

async function run(engine: string, url: string) {
  console.log(`${engine}:`);
  migrate(url);
  const db = createDb(url);
  try {
    await measure(db, url);
  } finally {
    await db.$disconnect();
  }
}

const dir = path.join(root, ".data/bench");
mkdirSync(dir, { recursive: true });
const file = path.join(dir, "key-lookup.db");
rmSync(file, { force: true });
await run("SQLite", `file:${file}`);

const adminUrl = process.env.TEST_DATABASE_URL_PG || "postgresql://postgres@127.0.0.1:5432/postgres";
const admin = new pg.Client({ connectionString: adminUrl });
try {
  await admin.connect();
} catch (e) {
  console.log(`PostgreSQL: skipped, not reachable at ${adminUrl} (${(e as Error).message})`);
  process.exit(0);
}
const name = `nk_bench_${randomBytes(4).toString("hex")}`;
await admin.query(`CREATE DATABASE ${name}`);
try {
  await run("PostgreSQL", withDatabase(adminUrl, name));
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
