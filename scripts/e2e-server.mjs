// Playwright's web server: a fresh e2e database, then the production build on the given port.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { prepareDb } from "./prepare-db.mjs";

const port = process.argv[2];
const url = process.env.DATABASE_URL;
if (!url.startsWith("file:") && !/@(127\.0\.0\.1|localhost)[:/]/.test(url)) {
  console.error("refusing to reset a non-local database for e2e:", url);
  process.exit(2);
}
rmSync(".data/e2e", { recursive: true, force: true });
mkdirSync(".data/e2e", { recursive: true });
await prepareDb({ quiet: true });
const child = spawn("node_modules/.bin/next", ["start", "-p", port, "-H", "127.0.0.1"], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
