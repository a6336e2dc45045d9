// "Installs what is missing": runs `npm ci` when node_modules is absent or older than the
// lockfile. Shared by `npm start` and `npm test`. Plain Node, no dependencies.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

export function ensureDeps() {
  const marker = "node_modules/.package-lock.json";
  const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync("package-lock.json").mtimeMs;
  if (!stale && existsSync("lib/generated/sqlite/client.ts") && existsSync("lib/generated/postgres/client.ts")) return;
  console.log("> installing dependencies (npm ci) …");
  // node-gyp builds better-sqlite3 against the local Node headers; never download them.
  execSync("npm ci --no-audit --no-fund", {
    stdio: "inherit",
    env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir || "/usr" },
  });
}
