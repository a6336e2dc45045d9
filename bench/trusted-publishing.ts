// Trusted Publishing's token exchange on the production build (npm run bench:tp), against a
// loopback https OIDC issuer (tests/oidc-issuer.ts; a self-signed certificate the server trusts
// through NODE_EXTRA_CA_CERTS: NODE_ENV=production refuses a plain-http issuer):
//   1. 200 concurrent exchanges on a cold key cache: key-set downloads (must be 1);
//   2. an exchange with the keys cached vs an authenticated no-op (GET /api/v2/key), measured
//      alike and interleaved: the time per request, target ≤ 3×.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createDb } from "@/lib/create-db";
import { serializeCriteria } from "@/lib/trusted-publishing/criteria";
import { insertTestKey } from "@/tests/api-keys";
import { freePort } from "@/tests/free-port";
import { startIssuer } from "@/tests/oidc-issuer";
import { freshServerEnv, requireBuild, root, startDetached, waitFor } from "./production-server";

const dir = path.join(root, ".data/bench-tp");
const AUDIENCE = "https://www.nuget.org";
const CONCURRENT = 200;
const ROUNDS = 3;
const PER_ROUND = 150;
const CONNECTIONS = 8;

function selfSignedCertificate(): { key: string; cert: string } {
  const key = path.join(dir, "tls-key.pem");
  const cert = path.join(dir, "tls-cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  return { key, cert };
}

/** `count` requests, `connections` at a time; the wall time in ms. Throws on any other status than `expected`. */
async function load(count: number, connections: number, send: (i: number) => Promise<Response>, expected: number): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) {
        const r = await send(next++);
        const body = await r.text();
        if (r.status !== expected) throw new Error(`answered ${r.status}: ${body}`);
      }
    }),
  );
  return performance.now() - t;
}

async function main() {
  requireBuild();
  const env = freshServerEnv(dir);
  const tls = selfSignedCertificate();
  const issuer = await startIssuer({ audience: AUDIENCE, tls: { key: readFileSync(tls.key, "utf8"), cert: readFileSync(tls.cert, "utf8") } });
  const db = createDb(env.DATABASE_URL);
  const username = `bench_${randomBytes(3).toString("hex")}`;
  const user = await db.user.create({ data: { username, usernameKey: username, email: `${username}@example.test`, emailConfirmedAt: new Date() } });
  await db.trustedPublishingPolicy.create({
    data: { name: "bench", createdById: user.id, ownerId: user.id, criteria: serializeCriteria({ owner: "contoso", ownerId: "65", repository: "contoso-sdk", repositoryId: "74", workflow: "release.yml" }) },
  });
  const apiKey = (await insertTestKey(db, { userId: user.id })).plaintext;

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = startDetached(["dist/server.mjs"], {
    ...env,
    PORT: String(port),
    HOST: "127.0.0.1",
    TP_GITHUB_ISSUER: issuer.url,
    TP_AUDIENCE: AUDIENCE,
    NODE_EXTRA_CA_CERTS: tls.cert,
    JOBS_INTERVAL_MINUTES: "0",
  });
  const exchange = (token: string) =>
    fetch(`${base}/api/v2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}`, "User-Agent": "nuget/login-action" },
      body: JSON.stringify({ username, tokenType: "ApiKey" }),
    });
  try {
    await waitFor(`${base}/api/health`, app.child);
    console.log(`production server on ${base}, issuer ${issuer.url}\n`);

    // 1. cold cache, 200 at once
    const burst = await Promise.all(Array.from({ length: CONCURRENT }, () => issuer.mint()));
    const before = issuer.jwksHits;
    await load(CONCURRENT, CONCURRENT, (i) => exchange(burst[i]), 200);
    const fetches = issuer.jwksHits - before;
    console.log(`${CONCURRENT} concurrent exchanges on a cold key cache: ${fetches} key-set fetch(es) (target 1)${fetches === 1 ? "" : "  ✗"}`);

    // 2. warm: tokens minted up front (signing is the issuer's work, not the server's)
    const tokens = await Promise.all(Array.from({ length: ROUNDS * PER_ROUND + 50 }, () => issuer.mint({}, { exp: 3600 })));
    let used = 0;
    const noop = () => fetch(`${base}/api/v2/key`, { headers: { "X-NuGet-ApiKey": apiKey } });
    await load(50, CONNECTIONS, () => exchange(tokens[used++]), 200);
    await load(50, CONNECTIONS, noop, 200);
    let exchangeMs = 0;
    let noopMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      exchangeMs += await load(PER_ROUND, CONNECTIONS, () => exchange(tokens[used++]), 200);
      noopMs += await load(PER_ROUND, CONNECTIONS, noop, 200);
    }
    const n = ROUNDS * PER_ROUND;
    const ratio = exchangeMs / noopMs;
    console.log(`exchange, keys cached:        ${(exchangeMs / n).toFixed(2)} ms/request (${((n / exchangeMs) * 1000).toFixed(0)} req/s, ${CONNECTIONS} connections)`);
    console.log(`authenticated no-op (GET /api/v2/key): ${(noopMs / n).toFixed(2)} ms/request (${((n / noopMs) * 1000).toFixed(0)} req/s)`);
    console.log(`ratio: ${ratio.toFixed(2)}× (target ≤ 3×)${ratio <= 3 ? "" : "  ✗"}`);
    console.log(`key-set fetches in all: ${issuer.jwksHits} (the cache held through ${n + 50} warm exchanges)`);
  } finally {
    app.stop();
    await issuer.close();
    await db.$disconnect();
  }
}

await main();
