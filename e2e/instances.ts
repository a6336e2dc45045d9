// Servers of the fault tests' own (e2e/faults.spec.ts): each test makes its own database (a
// PostgreSQL one it drops afterwards, or a SQLite file) and package folder, and starts
// dist/server.mjs on them as often as it likes: two instances at once, or one killed with
// SIGKILL and started again. Each instance is a process group of its own, so a kill takes the
// whole server down at once, as a crash of its machine or container would.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { test } from "@playwright/test";
import { createDb, type Db } from "@/lib/create-db";
import { withDatabase } from "@/tests/global-setup";
import { freePort } from "@/tests/free-port";

const root = path.resolve(import.meta.dirname, "..");
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL_PG || "postgresql://postgres@127.0.0.1:5432/postgres";
export const AUTH_SECRET = "e2e-faults-secret-not-for-production-0000000";

/** A test's own database and package folder; `cleanUp` drops both. */
export interface Site {
  url: string;
  /** the database name (PostgreSQL) */
  name: string;
  packagesDir: string;
  db: Db;
  cleanUp(): Promise<void>;
}

function migrate(url: string) {
  execFileSync(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], { cwd: root, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
}

function siteFolder(): string {
  const dir = path.join(root, ".data/e2e-faults", `${process.pid}x${randomBytes(4).toString("hex")}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A fresh PostgreSQL database on TEST_DATABASE_URL_PG. Without a reachable server the test is
 * skipped with its reason, except with CI=true, where it fails.
 */
export async function postgresSite(): Promise<Site> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (e) {
    if (process.env.CI === "true") throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(e as Error).message}); with CI=true this test must run.`);
    test.skip(true, `PostgreSQL not reachable at ${PG_ADMIN_URL}`);
    throw e;
  }
  const name = `nk_f_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(PG_ADMIN_URL, name);
  migrate(url);
  const dir = siteFolder();
  const db = createDb(url);
  return {
    url,
    name,
    packagesDir: path.join(dir, "packages"),
    db,
    async cleanUp() {
      await db.$disconnect();
      const drop = new pg.Client({ connectionString: PG_ADMIN_URL });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh SQLite file in WAL mode, as scripts/prepare-db.mjs makes it. */
export async function sqliteSite(): Promise<Site> {
  const dir = siteFolder();
  const file = path.join(dir, "app.db");
  const url = `file:${file}`;
  migrate(url);
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
  const db = createDb(url);
  return {
    url,
    name: file,
    packagesDir: path.join(dir, "packages"),
    db,
    async cleanUp() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Instance {
  baseUrl: string;
  pid: number;
  /** everything it printed */
  log(): string;
  /** SIGKILL to the whole process group; resolves once it is gone */
  kill9(): Promise<void>;
  /** SIGTERM; resolves once it is gone */
  stop(): Promise<void>;
  exited: Promise<void>;
}

/** `node dist/server.mjs` on the site, ready (its health answers) when this resolves. */
export async function startInstance(site: Site, env: Record<string, string> = {}): Promise<Instance> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["dist/server.mjs"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: site.url,
      PACKAGES_DIR: site.packagesDir,
      AUTH_SECRET,
      MAIL_DIR: path.join(path.dirname(site.packagesDir), "mail"),
      SEED_DEMO: "0",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
  });
  let out = "";
  // also kept with the test's results (test-results/), for a failure's post-mortem
  const file = createWriteStream(test.info().outputPath(`server-${port}.log`));
  const keep = (d: Buffer) => {
    out += d;
    file.write(d);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  child.once("exit", () => file.end());
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  const instance: Instance = {
    baseUrl,
    pid: child.pid!,
    log: () => out,
    exited,
    async kill9() {
      group("SIGKILL");
      await exited;
    },
    async stop() {
      group("SIGTERM");
      await exited;
    },
  };
  let gone = false;
  void exited.then(() => (gone = true));
  for (const start = Date.now(); ; ) {
    if (gone) throw new Error(`the server exited while starting:\n${out}`);
    const ok = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return instance;
    if (Date.now() - start > 90_000) {
      await instance.kill9();
      throw new Error(`the server did not start in 90 s:\n${out}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every .nupkg under the package folder, as "<idKey>/<file name>". */
export function packageFiles(packagesDir: string): string[] {
  let ids: string[];
  try {
    ids = readdirSync(packagesDir).filter((name) => !name.startsWith("."));
  } catch {
    return [];
  }
  return ids.flatMap((id) => readdirSync(path.join(packagesDir, id)).map((f) => `${id}/${f}`)).sort();
}
