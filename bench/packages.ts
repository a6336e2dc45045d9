// Packages benchmark (issue 15), ratios measured in one run:
//   1. the server render of /packages/{id} for an id with 1,000 versions relative to an id with
//      one version (target <= 2x), against the production build on a fresh SQLite database.
//   2. the same search (lib/packages/search.ts, searchPackages: the count and the first page)
//      over 10,000 packages relative to over 100 packages, on SQLite and on PostgreSQL (target
//      <= 3x each): the query's words are ranges on the search index's primary key, so the cost
//      follows the matches (the same 5 packages in both), not the number of packages. The
//      query plan of one word's range is printed for each engine.
// Interleaved rounds and medians throughout: the machines are shared and noisy.
// It builds nothing: run `npm run build` first (for the page). PostgreSQL: TEST_DATABASE_URL_PG (skipped, with
// a warning, when it cannot be reached).
//   npm run bench:packages [-- page|search]   (both when none is named)
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import pg from "pg";
import { createDb, type Db } from "@/lib/create-db";
import { driverWriter } from "@/lib/driver-sql";
import { parseEnv } from "@/lib/env";
import { buildNupkg } from "@/e2e/nupkg";
import { insertTestUser } from "@/tests/api-keys";
import { freePort } from "@/tests/free-port";
import { withDatabase } from "@/tests/global-setup";
import { freshServerEnv, requireBuild, root, startDetached, waitFor } from "./production-server";

register(new URL("../e2e/nuget/server-only-hook.mjs", import.meta.url));
const { packageFilePath } = await import("@/lib/packages/files");
const { indexStatements } = await import("@/lib/packages/search-index");
const { searchPackages } = await import("@/lib/packages/search");
const { VERSIONS_TABLE_SIZE } = await import("@/lib/packages/package-page");

const dir = path.join(root, ".data/bench-packages");
const ROUNDS = { page: 40, search: 30 };
const VERSIONS = 1000;
const SMALL = 100;
const LARGE = 10_000;

const named = process.argv.slice(2);
const parts = { page: !named.length || named.includes("page"), search: !named.length || named.includes("search") };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const verdict = (ok: boolean) => (ok ? "OK" : "MISSED");

/** An id with `count` versions 1.0.0 … ; the package file of the latest one (the page reads its nuspec). */
async function seedVersions(db: Db, packagesDir: string, ownerId: string, packageId: string, count: number) {
  const idKey = packageId.toLowerCase();
  const reg = await db.packageRegistration.create({ data: { packageId, idKey, owners: { create: { userId: ownerId } } } });
  const rows = Array.from({ length: count }, (_, i) => {
    const version = `1.${Math.floor(i / 100)}.${i % 100}`;
    return { id: randomUUID(), registrationId: reg.id, version, versionKey: version, size: 0, sha512: "x", pushedAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000), downloadCount: i };
  });
  const latest = rows[rows.length - 1];
  const bytes = buildNupkg({ id: packageId, version: latest.version });
  latest.size = bytes.byteLength;
  await db.packageVersion.createMany({ data: rows });
  const file = packageFilePath(packagesDir, idKey, latest.versionKey, latest.id);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  await driverWriter(db).transaction(indexStatements(reg.id, packageId, `Test package ${packageId}`, false), () => null);
}

async function timeGet(url: string) {
  const t0 = performance.now();
  const res = await fetch(url);
  const html = await res.text();
  return { ms: performance.now() - t0, status: res.status, html };
}

async function pageRatio() {
  requireBuild();
  const env = freshServerEnv(path.join(dir, "page"));
  const db = createDb(env.DATABASE_URL);
  const owner = await insertTestUser(db);
  await seedVersions(db, env.PACKAGES_DIR, owner.id, "Bench.One", 1);
  await seedVersions(db, env.PACKAGES_DIR, owner.id, "Bench.Many", VERSIONS);
  await db.$disconnect();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = startDetached(["dist/server.mjs"], { ...env, PORT: String(port), HOST: "127.0.0.1" });
  try {
    await waitFor(`${base}/api/health`, app.child);
    const urls = { one: `${base}/packages/Bench.One`, many: `${base}/packages/Bench.Many` };
    const first = await timeGet(urls.many);
    if (first.status !== 200 || !first.html.includes("1.9.99") || !new RegExp(`and (<!-- -->)?${VERSIONS - VERSIONS_TABLE_SIZE}(<!-- -->)? older versions`).test(first.html)) {
      throw new Error(`the 1,000-version page did not render as expected (${first.status})`);
    }
    if ((await timeGet(urls.one)).status !== 200) throw new Error("the one-version page did not render");
    for (let i = 0; i < 10; i++) await Promise.all([timeGet(urls.one), timeGet(urls.many)]);
    const ms = { one: [] as number[], many: [] as number[] };
    for (let i = 0; i < ROUNDS.page; i++) {
      const order = i % 2 ? (["many", "one"] as const) : (["one", "many"] as const);
      for (const which of order) ms[which].push((await timeGet(urls[which])).ms);
    }
    const ratio = median(ms.many) / median(ms.one);
    console.log(`1. server render of /packages/{id} (${ROUNDS.page} requests each, alternating)`);
    console.log(`   one version:     median ${median(ms.one).toFixed(1)} ms`);
    console.log(`   ${VERSIONS} versions: median ${median(ms.many).toFixed(1)} ms  (HTML ${(first.html.length / 1024).toFixed(0)} kB)`);
    console.log(`   => ${ratio.toFixed(2)}x (target <= 2x) ${verdict(ratio <= 2)}\n`);
    return `package page ${ratio.toFixed(2)}x`;
  } finally {
    app.stop();
  }
}

/** `count` packages with one listed version each; the first 5 have the word "needle" in their description. */
async function seedSearch(db: Db, count: number) {
  const owner = await insertTestUser(db);
  const words = ["fast", "json", "parser", "http", "client", "logging", "core", "utils", "data", "async"];
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from({ length: Math.min(500, count - start) }, (_, k) => {
      const i = start + k;
      const packageId = `Bench${String(i).padStart(5, "0")}.${words[i % words.length]}.${words[(i * 7) % words.length]}`;
      const description = `${i < 5 ? "A needle in the haystack: " : ""}A ${words[(i * 3) % words.length]} library for ${words[(i * 5) % words.length]} with ${randomBytes(3).toString("hex")} inside`;
      return { id: randomUUID(), packageId, description, downloads: i % 997 };
    });
    await db.packageRegistration.createMany({ data: batch.map((b) => ({ id: b.id, packageId: b.packageId, idKey: b.packageId.toLowerCase(), totalDownloads: b.downloads })) });
    await db.packageOwner.createMany({ data: batch.map((b) => ({ registrationId: b.id, userId: owner.id })) });
    await db.packageVersion.createMany({ data: batch.map((b) => ({ registrationId: b.id, version: "1.0.0", versionKey: "1.0.0", size: 1, sha512: "x" })) });
    await driverWriter(db).transaction(batch.flatMap((b) => indexStatements(b.id, b.packageId, b.description, false)), () => null);
  }
}

function migrate(url: string) {
  execFileSync(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
}

async function sqliteDb(name: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  const file = path.join(dir, `${name}.db`);
  rmSync(file, { force: true });
  mkdirSync(dir, { recursive: true });
  migrate(`file:${file}`);
  const conn = new Database(file);
  conn.pragma("journal_mode = WAL");
  conn.close();
  const db = createDb(`file:${file}`);
  return { db, drop: async () => db.$disconnect() };
}

async function postgresDb(adminUrl: string, name: string): Promise<{ db: Db; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const database = `nk_bench_${name}_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = withDatabase(adminUrl, database);
  migrate(url);
  const db = createDb(url);
  return {
    db,
    drop: async () => {
      await db.$disconnect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const QUERY = { q: "needle hay", skip: 0, take: 20, prerelease: false };

async function searchRatio(engine: "sqlite" | "postgresql", open: (name: string) => Promise<{ db: Db; drop: () => Promise<void> }>) {
  const small = await open("small");
  const large = await open("large");
  try {
    await seedSearch(small.db, SMALL);
    await seedSearch(large.db, LARGE);
    if (engine === "postgresql") for (const { db } of [small, large]) await db.$executeRawUnsafe(`ANALYZE`);
    for (const { db } of [small, large]) {
      const r = await searchPackages(db, QUERY);
      if (r.totalHits !== 5 || r.hits.length !== 5) throw new Error(`${engine}: the query found ${r.totalHits}, not the 5 needles`);
    }
    const plan =
      engine === "sqlite"
        ? (await large.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN SELECT t.registrationId FROM PackageSearchTerm t WHERE t.term >= ? AND t.term < ?`, "needle", "needle\u{10FFFF}")).map((p) => p.detail)
        : (await large.db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN SELECT t."registrationId" FROM "PackageSearchTerm" t WHERE t.term >= $1 AND t.term < $2`, "needle", "needle\u{10FFFF}")).map((p) => p["QUERY PLAN"]);
    for (let i = 0; i < 20; i++) await Promise.all([searchPackages(small.db, QUERY), searchPackages(large.db, QUERY)]);
    const ms = { small: [] as number[], large: [] as number[] };
    for (let i = 0; i < ROUNDS.search; i++) {
      const order = i % 2 ? (["large", "small"] as const) : (["small", "large"] as const);
      for (const which of order) {
        const db = which === "small" ? small.db : large.db;
        const t0 = performance.now();
        for (let k = 0; k < 10; k++) await searchPackages(db, QUERY);
        ms[which].push((performance.now() - t0) / 10);
      }
    }
    const ratio = median(ms.large) / median(ms.small);
    console.log(`2. search "${QUERY.q}" (5 matches) on ${engine}, searchPackages: the count and the first page (${ROUNDS.search} rounds of 10, alternating)`);
    console.log(`   one word's range: ${plan.join(" | ")}`);
    console.log(`   ${SMALL} packages: median ${median(ms.small).toFixed(2)} ms; ${LARGE.toLocaleString("en-US")} packages: median ${median(ms.large).toFixed(2)} ms`);
    console.log(`   => ${ratio.toFixed(2)}x (target <= 3x) ${verdict(ratio <= 3)}\n`);
    return `search ${engine} ${ratio.toFixed(2)}x`;
  } finally {
    await small.drop();
    await large.drop();
  }
}

async function main() {
  const ratios: string[] = [];
  if (parts.page) ratios.push(await pageRatio());
  if (parts.search) {
    ratios.push(await searchRatio("sqlite", sqliteDb));
    const { TEST_DATABASE_URL_PG: adminUrl } = parseEnv();
    const probe = new pg.Client({ connectionString: adminUrl });
    const reachable = await probe.connect().then(() => true, () => false);
    await probe.end().catch(() => {});
    if (reachable) ratios.push(await searchRatio("postgresql", (name) => postgresDb(adminUrl, name)));
    else console.warn(`!! PostgreSQL not reachable at ${adminUrl}: its search ratio is not measured`);
  }
  console.log(`ratios: ${ratios.join(", ")}`);
}

await main();
process.exit(0);
