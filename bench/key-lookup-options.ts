// CPU per call of the ways to load a key row for authenticate(), in-process on SQLite (the
// bench database from bench/push-api.ts, or any migrated file in DATABASE_URL). Used to choose
// how authenticate() reads its row; see lib/hot-reads.ts.
//   DATABASE_URL=file:.data/bench/bench.db npx tsx bench/key-lookup-options.ts
import Database from "better-sqlite3";
import { createDb } from "@/lib/create-db";

const url = process.env.DATABASE_URL ?? "file:.data/bench/bench.db";
const db = createDb(url);
const lookupId = (await db.apiKey.findFirstOrThrow({ select: { lookupId: true } })).lookupId;

async function cpuPerCall(name: string, fn: () => Promise<unknown> | unknown, n = 2000) {
  for (let i = 0; i < 200; i++) await fn();
  const start = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const d = process.cpuUsage(start);
  console.log(`${name.padEnd(58)} ${((d.user + d.system) / n).toFixed(1).padStart(7)} µs CPU  ${(((performance.now() - t) * 1000) / n).toFixed(1).padStart(7)} µs wall`);
}

await cpuPerCall("Prisma findUnique + 3 relations (before)", () =>
  db.apiKey.findUnique({
    where: { lookupId },
    select: {
      id: true, type: true, name: true, userId: true, ownerId: true, secretHash: true, expiresAt: true, revokedAt: true,
      user: { select: { isOrganization: true } },
      owner: { select: { username: true, emailConfirmedAt: true, locked: true } },
      scopes: { select: { action: true, subject: true } },
    },
  }),
);
await cpuPerCall("Prisma findUnique, key columns only", () =>
  db.apiKey.findUnique({ where: { lookupId }, select: { id: true, secretHash: true, expiresAt: true, revokedAt: true } }),
);
await cpuPerCall("Prisma $queryRaw, one joined query (scopes as JSON)", () =>
  db.$queryRaw`SELECT k.id, k.type, k.name, k.userId, k.ownerId, k.secretHash, k.expiresAt, k.revokedAt, u.isOrganization, o.username, o.emailConfirmedAt, o.locked,
    (SELECT json_group_array(json_array(s.action, s.subject)) FROM ApiKeyScope s WHERE s.apiKeyId = k.id) AS scopes
    FROM ApiKey k JOIN User u ON u.id = k.userId JOIN User o ON o.id = k.ownerId WHERE k.lookupId = ${lookupId}`,
);
const raw = new Database(url.replace(/^file:/, ""), { fileMustExist: true });
const stmt = raw.prepare(`SELECT k.id, k.type, k.name, k.userId, k.ownerId, k.secretHash, k.expiresAt, k.revokedAt, u.isOrganization, o.username, o.emailConfirmedAt, o.locked,
    (SELECT json_group_array(json_array(s.action, s.subject)) FROM ApiKeyScope s WHERE s.apiKeyId = k.id) AS scopes
    FROM ApiKey k JOIN User u ON u.id = k.userId JOIN User o ON o.id = k.ownerId WHERE k.lookupId = ?`);
await cpuPerCall("better-sqlite3 prepared statement, same query", () => stmt.get(lookupId));
await cpuPerCall("better-sqlite3 same query + JSON.parse + Dates", () => {
  const r = stmt.get(lookupId) as { scopes: string; expiresAt: string };
  return [JSON.parse(r.scopes), new Date(r.expiresAt)];
});
await db.$disconnect();
