// The production build as the benchmarks run it: they build nothing, so it must exist; each
// benchmark gives it a fresh SQLite database and folders of its own, and waits until it answers.
import { execFileSync, spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export const root = path.resolve(import.meta.dirname, "..");

/** Exits with a hint unless `npm run build` has run. */
export function requireBuild(): void {
  if (!existsSync(path.join(root, ".next/BUILD_ID")) || !existsSync(path.join(root, "dist/server.mjs"))) {
    console.error("No production build: run `npm run build` first (this benchmark builds nothing).");
    process.exit(2);
  }
}

/** Empties `dir`, migrates a SQLite database in it (WAL mode), and returns the server's environment, with its packages and mails there too. */
export function freshServerEnv(dir: string) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "bench.db");
  const env = {
    ...process.env,
    DATABASE_URL: `file:${file}`,
    PACKAGES_DIR: path.join(dir, "packages"),
    MAIL_DIR: path.join(dir, "mail"),
    AUTH_SECRET: randomBytes(32).toString("base64"),
    NEXT_TELEMETRY_DISABLED: "1",
    SEED_DEMO: "0",
    NODE_ENV: "production" as const,
  };
  execFileSync(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], { cwd: root, env, stdio: "pipe" });
  // in WAL mode, as production runs it (scripts/prepare-db.mjs): migrate deploy leaves a rollback journal
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.close();
  return env;
}

/** Resolves once `url` answers 2xx (to a GET, or a small PUT); throws if the server exits or has not answered after 30 s. */
export async function waitFor(url: string, server: ChildProcess, method: "GET" | "PUT" = "GET") {
  for (let i = 0; i < 120; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      if ((await fetch(url, { method, body: method === "PUT" ? "warm" : undefined })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not answer ${url}`);
}

/** Runs `node <args>` in a process group of its own; `stop()` ends the group, and so does Ctrl-C. */
export function startDetached(args: string[], env: NodeJS.ProcessEnv, stdio: StdioOptions = ["ignore", "ignore", "inherit"]): { child: ChildProcess; stop: () => void } {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio, detached: true });
  const stop = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  process.on("SIGINT", () => {
    stop();
    process.exit(130);
  });
  return { child, stop };
}
