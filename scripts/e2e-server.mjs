// Playwright's web server: a fresh e2e database, then the production server (dist/server.mjs)
// on the given port.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { prepareDb } from "./prepare-db.mjs";

const port = process.argv[2];
const url = process.env.DATABASE_URL;
if (!url.startsWith("file:") && !/@(127\.0\.0\.1|localhost)[:/]/.test(url)) {
  console.error("refusing to reset a non-local database for e2e:", url);
  process.exit(2);
}
// as `npm start` does: what the run creates under .data is the user's alone (e2e/server.spec.ts checks it)
process.umask(0o077);
rmSync(".data/e2e", { recursive: true, force: true });
mkdirSync(".data/e2e", { recursive: true });
await prepareDb({ quiet: true });
const child = spawn(process.execPath, ["dist/server.mjs"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PORT: port, HOST: "127.0.0.1" } });
// Everything the server prints is also kept in a file: e2e/global-teardown.ts checks that no
// key or password the tests used ever reached the log.
const log = createWriteStream(".data/e2e/server.log");
child.stdout.on("data", (d) => (process.stdout.write(d), log.write(d)));
child.stderr.on("data", (d) => (process.stderr.write(d), log.write(d)));
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
