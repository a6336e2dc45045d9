// The expiry-notice job (lib/jobs/expiry-notices.ts) over 100,000 keys vs over 10,000 (target:
// time ≤ 12×, linear, and flat memory: it reads keys a page at a time). Each size gets a SQLite
// database seeded alike (one key in ten per user, expiries spread evenly from 30 days ago to a
// year ahead, so about 5% of the keys are due a notice), and the job runs once in a process of
// its own (a clean heap, sampled every 5 ms) with the mails built but not sent.
//   npm run bench:expiry-job [-- 10000 100000]
import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { freshServerEnv, root } from "./production-server";

const DAY = 86_400_000;
const dir = path.join(root, ".data/bench-expiry");
const NOW = new Date("2026-12-01T12:00:00.000Z");
const sqliteDate = (d: Date) => d.toISOString().replace("Z", "+00:00");

interface RunResult {
  ms: number;
  peakHeapMB: number;
  /** the most the heap held just after a full collection (one every 2 s): what the job kept alive */
  peakLiveMB: number;
  baseHeapMB: number;
  sent: number;
}

/** A migrated database with `keys` keys, one user per ten keys; returns its file. */
function seed(keys: number): string {
  const sub = path.join(dir, String(keys));
  freshServerEnv(sub);
  const file = path.join(sub, "bench.db");
  const sqlite = new Database(file);
  const user = sqlite.prepare(`INSERT INTO User (id, username, usernameKey, email, emailConfirmedAt) VALUES (?, ?, ?, ?, ?)`);
  const key = sqlite.prepare(
    `INSERT INTO ApiKey (id, userId, ownerId, type, name, lookupId, secretHash, expiresInDays, expiresAt, createdAt) VALUES (?, ?, ?, 'apikey.v4', ?, ?, ?, 365, ?, ?)`,
  );
  const scope = sqlite.prepare(`INSERT INTO ApiKeyScope (id, apiKeyId, action, subject) VALUES (?, ?, 'package:push', ?)`);
  sqlite.transaction(() => {
    let userId = "";
    for (let i = 0; i < keys; i++) {
      if (i % 10 === 0) {
        userId = `u${i}`;
        user.run(userId, `bench${i}`, `bench${i}`, `bench${i}@example.test`, sqliteDate(NOW));
      }
      // evenly from 30 days ago to 365 days ahead, in an order unrelated to the id
      const spread = ((i * 7919) % keys) / keys;
      const expiresAt = new Date(NOW.getTime() - 30 * DAY + spread * 395 * DAY);
      const id = `k${String(i).padStart(7, "0")}`;
      key.run(id, userId, userId, `key ${i}`, randomBytes(16).toString("hex"), "x".repeat(64), sqliteDate(expiresAt), sqliteDate(new Date(expiresAt.getTime() - 365 * DAY)));
      scope.run(`s${i}`, id, `Bench.${i}.*`);
    }
  })();
  sqlite.close();
  return file;
}

/** The job once, in a child process, on a copy of `file` (each run claims its notices). */
function run(file: string): Promise<RunResult> {
  const copy = file.replace(/\.db$/, `.run-${randomBytes(3).toString("hex")}.db`);
  copyFileSync(file, copy);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "child", copy], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `file:${copy}`, MAIL_DIR: path.join(dir, "mail") },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
      if (code !== 0) return reject(new Error(`the job's process exited with ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!) as RunResult);
    });
  });
}

async function child(file: string) {
  const { createDb } = await import("../lib/create-db");
  const { runExpiryNotices } = await import("../lib/jobs/expiry-notices");
  const db = createDb(`file:${file}`);
  await db.apiKey.count(); // connected, the client's code loaded
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  // right after a full collection the heap holds only what is still reachable; one every 2 s
  // costs both sizes the same share of their time
  let live = base;
  const collect = setInterval(() => {
    gc?.();
    live = Math.max(live, process.memoryUsage().heapUsed);
  }, 2_000);
  const t = performance.now();
  const result = await runExpiryNotices(db, { origin: "http://bench.test", now: NOW, send: async () => {} });
  const ms = performance.now() - t;
  clearInterval(sample);
  clearInterval(collect);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  await db.$disconnect();
  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  console.log(JSON.stringify({ ms, peakHeapMB: mb(peak - base), peakLiveMB: mb(live - base), baseHeapMB: mb(base), sent: result.sent }));
}

async function main() {
  const [small, large] = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const sizes = [small ?? 10_000, large ?? 100_000];
  console.log(`seeding ${sizes.join(" and ")} keys under ${dir} …`);
  const files = sizes.map(seed);
  // the small run first and again last: the machine is shared, the two small runs show its noise
  const first = await run(files[0]);
  const big = await run(files[1]);
  const again = await run(files[0]);
  const smallRun = first.ms <= again.ms ? first : again;
  const line = (n: number, r: RunResult) =>
    `${n.toLocaleString("en")} keys: ${(r.ms / 1000).toFixed(2)} s, ${r.sent} notices, peak heap +${r.peakHeapMB} MB, after a full collection at most +${r.peakLiveMB} MB (over ${r.baseHeapMB} MB at start)`;
  console.log(line(sizes[0], first));
  console.log(line(sizes[0], again) + " (again)");
  console.log(line(sizes[1], big));
  const ratio = big.ms / smallRun.ms;
  console.log(`time ratio ${sizes[1]}/${sizes[0]}: ${ratio.toFixed(2)}× (target ≤ 12×, against the faster small run) ${ratio <= 12 ? "OK" : "OVER"}`);
  console.log(`peak heap ratio: ${(big.peakHeapMB / Math.max(0.1, smallRun.peakHeapMB)).toFixed(2)}× (garbage not yet collected included); live heap: +${smallRun.peakLiveMB} vs +${big.peakLiveMB} MB (flat: pages of 200 keys)`);
  rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === "child") await child(process.argv[3]);
else await main();
