// `npm test`: every suite, in order of cost, then one closing line "N passed, N failed".
// lint → typecheck → schema guard → vitest (unit + data layer on SQLite and PostgreSQL)
// → next build → Playwright (Chromium e2e and real NuGet clients) against the production build.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, mkdirSync } from "node:fs";
import { ensureDeps } from "./ensure-deps.mjs";
import { findChromium, findNugetClients } from "./system-deps.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const ci = process.env.CI === "true";
let passed = 0;
let failed = 0;
const failures = [];

function run(name, cmd, args, opts = {}) {
  console.log(`\n> ${name}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts, env: { ...process.env, ...opts.env } });
  return r.status === 0;
}

/** A step that counts as one test: lint, typecheck, build. */
function step(name, cmd, args, opts) {
  if (run(name, cmd, args, opts)) passed++;
  else {
    failed++;
    failures.push(name);
  }
}

function finish() {
  if (failures.length) console.log(`\nFailed: ${failures.join(", ")}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

ensureDeps();

const chromium = findChromium();
if (!chromium.path) {
  console.error(`\nChromium is needed for the end-to-end tests and was not found.\n  Install it with: ${chromium.install}\n  or point CHROMIUM_PATH at a Chromium binary.`);
  failed++;
  failures.push("chromium missing");
  finish();
}
const nuget = findNugetClients();
if (nuget.missing.length) {
  const msg = `NuGet clients missing (${nuget.missing.join(", ")}). Install with:\n  ${nuget.install}`;
  if (ci) {
    console.error(`\n${msg}`);
    failed++;
    failures.push("nuget clients missing");
    finish();
  }
  console.warn(`\n!! ${msg}\n!! The real-client tests will be SKIPPED (they never skip with CI=true).`);
}

step("lint", "npx", ["eslint", "."]);
step("typecheck", "npx", ["tsc", "--noEmit"]);
step("postgres schema is generated from prisma/schema.prisma", "node", ["scripts/check-schema.mjs"]);

mkdirSync(".data", { recursive: true });
const vitestJson = ".data/vitest-report.json";
rmSync(vitestJson, { force: true });
const vitestOk = run("unit and data-layer tests", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // a suite that failed to load has no tests; count it as a failure
  const broken = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
  failed += broken;
  if (r.numFailedTests || broken) failures.push("vitest");
  else if (!vitestOk) {
    // e.g. global setup failed (PostgreSQL unreachable with CI=true): no test failed, yet the run did
    failed++;
    failures.push("vitest (run failed)");
  }
} else {
  failed++;
  failures.push("vitest (no report)");
}

step("next build", "npx", ["next", "build"]);
step("server build", "node", ["scripts/build-server.mjs"]);

const pwJson = ".data/playwright-report.json";
rmSync(pwJson, { force: true });
const playwrightOk = run("end-to-end (Chromium, NuGet clients)", "npx", ["playwright", "test"], {
  env: { CHROMIUM_PATH: chromium.path, PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson },
});
if (existsSync(pwJson)) {
  const { stats, errors } = JSON.parse(readFileSync(pwJson, "utf8"));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  if (stats.unexpected) failures.push("playwright");
  else if (!playwrightOk || errors?.length) {
    // a spec that failed to load, or the web server did not start: no test ran, yet the run failed
    failed++;
    failures.push("playwright (run failed)");
  }
  if (stats.skipped) console.log(`(playwright: ${stats.skipped} skipped)`);
} else {
  failed++;
  failures.push("playwright (no report)");
}
finish();
