// E2E in Debian's Chromium against the production build (`next build` runs first in npm test),
// and the real NuGet client tests against the same server.
import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { freePort } from "./tests/free-port";


// Chosen once; workers re-read this file but inherit process.env.
process.env.E2E_PORT ??= String(await freePort());
const port = Number(process.env.E2E_PORT);
// e2e/leaks.spec.ts plays GitHub's and deps.dev's key lists on this port
process.env.E2E_LEAKS_PORT ??= String(await freePort());
// e2e/trusted-publishing-clients.spec.ts plays GitHub's OIDC issuer on this port, over https with
// a throw-away self-signed certificate the server trusts through NODE_EXTRA_CA_CERTS: the e2e
// server is the production build, where a plain-http issuer must never be accepted
process.env.E2E_TP_PORT ??= String(await freePort());
const tpTls = issuerCertificate();
export const e2eEnv = {
  DATABASE_URL: process.env.E2E_DATABASE_URL ?? "file:./.data/e2e/e2e.db",
  AUTH_SECRET: "e2e-only-secret-not-for-production-000000000",
  MAIL_DIR: ".data/e2e/mail",
  PACKAGES_DIR: ".data/e2e/packages",
  // small enough that the 413 test uploads only ~21 MB
  MAX_PACKAGE_BYTES: String(20 * 1024 * 1024),
  // an upload that sends nothing for 5 s, or under 10 KB/s from then on, is given up (e2e/edge.spec.ts)
  PUSH_IDLE_TIMEOUT_SECONDS: "5",
  NEXT_TELEMETRY_DISABLED: "1",
  SEED_DEMO: "0",
  // the site administrators e2e/site-admin.ts makes (reserved prefixes)
  SITE_ADMINS: "E2E_PageAdmin,E2E_ClientsAdmin",
  // the background jobs (expiry notices) stay off: a mail arriving mid-test must not depend on timing
  JOBS_INTERVAL_MINUTES: "0",
  // Trusted Publishing policies never ask GitHub for repository ids: new ones stay temporary
  GITHUB_API_BASE: "off",
  SECRET_SCANNING_GITHUB_KEYS_URL: `http://127.0.0.1:${process.env.E2E_LEAKS_PORT}/github`,
  SECRET_SCANNING_DEPSDEV_KEYS_URL: `http://127.0.0.1:${process.env.E2E_LEAKS_PORT}/depsdev`,
  TP_GITHUB_ISSUER: `https://127.0.0.1:${process.env.E2E_TP_PORT}`,
  TP_AUDIENCE: "https://www.nuget.org",
  // each exchange asks the issuer again: a retried test's worker makes new key pairs
  TP_JWKS_CACHE_TTL_SECONDS: "0",
  TP_JWKS_MIN_REFRESH_SECONDS: "0",
  TP_KEY_LIFETIME_MINUTES: "15",
  NODE_EXTRA_CA_CERTS: tpTls.cert,
  E2E_TP_TLS_KEY: tpTls.key,
};

/** A self-signed certificate for 127.0.0.1 (openssl), made once under .data and kept. */
function issuerCertificate(): { key: string; cert: string } {
  const dir = path.resolve(".data/tp-issuer-tls");
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  if (!existsSync(cert)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "3650", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    chmodSync(key, 0o600);
  }
  return { key, cert };
}
Object.assign(process.env, { ...e2eEnv, E2E_BASE_URL: `http://127.0.0.1:${port}` });

export default defineConfig({
  // a stray test.only must not pass CI with fewer tests run
  forbidOnly: process.env.CI === "true",
  testDir: "e2e",
  globalTeardown: "./e2e/global-teardown.ts",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  // a page waiting on a password hash and a fresh server's first render can pass 5 s on a loaded
  // 2-core machine; 10 s still fails a page that never gets there
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: ["--disable-gpu", "--disable-quic"],
    },
  },
  webServer: {
    command: `node scripts/e2e-server.mjs ${port}`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: e2eEnv,
  },
});
