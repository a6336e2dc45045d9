// `npm start`: install what is missing, prepare the database, build, serve, say how to sign in.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, statSync, readdirSync } from "node:fs";
import path from "node:path";
import { ensureDeps } from "./ensure-deps.mjs";
import { prepareDb } from "./prepare-db.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
ensureDeps();
// .data holds password hashes (the database), live links (mails) and the session key: everything
// made under it, here and by the server, is the user's alone (0700 folders, 0600 files)
process.umask(0o077);
mkdirSync(".data", { recursive: true });
chmodSync(".data", 0o700);

console.log("> preparing the database (prisma migrate deploy) …");
await prepareDb({ quiet: true });

// First start on the embedded default: a confirmed demo account and sample packages.
execFileSync("node_modules/.bin/tsx", ["prisma/seed.ts"], { stdio: "inherit" });

/** Newest modification time under the source folders, to rebuild only when needed. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "generated" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const buildId = ".next/BUILD_ID";
const sources = Math.max(...["app", "components", "lib", "server", "public", "auth.ts", "proxy.ts", "next.config.ts", "package-lock.json"].filter(existsSync).map((p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs)));
const server = "dist/server.mjs";
if (!existsSync(buildId) || !existsSync(server) || Math.min(statSync(buildId).mtimeMs, statSync(server).mtimeMs) < sources) {
  console.log("> building (next build, then the server) …");
  execFileSync("node_modules/.bin/next", ["build"], { stdio: "inherit" });
  execFileSync(process.execPath, ["scripts/build-server.mjs"], { stdio: "inherit" });
}

const port = process.env.PORT || "3000";
const host = process.env.HOST || "0.0.0.0";
const child = spawn(process.execPath, [server], { stdio: "inherit", env: { ...process.env, PORT: port, HOST: host } });
console.log(`\n  NuGet Gallery API keys is running at http://localhost:${port}\n  Sign in at http://localhost:${port}/users/account/LogOn (the demo account is printed above on first start),\n  or register a new account; confirmation mails are written to ${process.env.MAIL_DIR || ".data/mail"}.\n`);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
