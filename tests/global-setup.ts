// Migrates one template database per provider for the whole vitest run; each suite then
// clones its own copy (tests/databases.ts), so suites never share rows.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { parseEnv } from "../lib/env";

const root = path.resolve(import.meta.dirname, "..");

/** Applies the migrations to the database at `url` (a test may make a database of its own). */
export function migrate(url: string) {
  execFileSync(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
}

export async function setup(project: TestProject) {
  // one folder per run, so two runs on one machine never share files
  const dir = path.join(root, ".data/test", `${process.pid}x${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const sqliteTemplate = path.join(dir, "template.db");
  migrate(`file:${sqliteTemplate}`);
  // WAL, as the app runs it (scripts/prepare-db.mjs); persistent, so every copy has it
  const sqlite = new Database(sqliteTemplate);
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
  project.provide("sqliteTemplate", sqliteTemplate);

  const { TEST_DATABASE_URL_PG: pgAdminUrl, CI } = parseEnv();
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  try {
    await admin.connect();
  } catch (e) {
    if (CI || process.env.REQUIRE_PG === "1") {
      throw new Error(`PostgreSQL is not reachable at ${pgAdminUrl} (${(e as Error).message}); with CI=true the PostgreSQL suites must run.`);
    }
    console.warn(`\n!! PostgreSQL not reachable at ${pgAdminUrl}: PostgreSQL suites are SKIPPED (they never skip with CI=true).\n`);
    project.provide("pgTemplate", "");
    return () => rmSync(dir, { recursive: true, force: true });
  }
  const runId = `${process.pid}x${Date.now()}`;
  const template = `nk_t_${runId}`;
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(pgAdminUrl, template);
  migrate(templateUrl);
  project.provide("pgTemplate", template);
  project.provide("pgAdminUrl", pgAdminUrl);
  project.provide("pgRunId", runId);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE $1",
      [`nk_%_${runId}%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    sqliteTemplate: string;
    pgTemplate: string;
    pgAdminUrl: string;
    pgRunId: string;
  }
}
