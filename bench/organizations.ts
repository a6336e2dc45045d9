// Organizations benchmark (issue 11), ratios measured in one run against the production build:
//   1. requests/s of an authenticated no-op API call with an organization-scoped key (its user a
//      member) relative to the same call without a key (target >= 0.9). The org key's check is
//      the personal key's plus the Membership row joined by its primary key (KEY_BY_LOOKUP_ID in
//      lib/driver-sql.ts); a personal key is measured beside it, in the same rounds. Two ways:
//      the server's CPU per request (its requests/s at saturation is cores / CPU per request;
//      CPU time hardly moves with a neighbour's load) and autocannon's req/s in alternating rounds
//      (wall time: on a busy shared machine a round's ratio swings by ±30%).
//   2. the server render of /account/apikeys for a member of 50 organizations that own 10,000
//      packages between them, relative to an empty account's (target <= 2x).
//   3. in Chromium, choosing an owner in the Create wizard's "Package Owner" list until its
//      packages are listed: an owner of 10,000 packages relative to an owner of 10 (target <= 2x).
// Interleaved rounds and medians throughout: the machines are shared and noisy.
// It builds nothing: run `npm run build` first. It starts the production server
// (dist/server.mjs) on a fresh SQLite database under .data/bench-orgs.
//   npm run bench:orgs [-- api|render|browser ...]   (all three when none is named)
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { createRequire, register } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chromium } from "playwright-core";
import { encode } from "next-auth/jwt";
import { createDb, type Db } from "@/lib/create-db";
import { freePort } from "../tests/free-port";
import { freshServerEnv, requireBuild, root, startDetached, waitFor } from "./production-server";

register(new URL("../e2e/nuget/server-only-hook.mjs", import.meta.url));
const { createApiKey } = await import("@/lib/api-keys/store");
const { createSession } = await import("@/lib/accounts/users");
const { authenticate } = await import("@/lib/api-keys/authenticate");

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (opts: object) => Promise<AutocannonResult>;

const dir = path.join(root, ".data/bench-orgs");
const ORGS = 50;
const PACKAGES = 10_000;
const ROUNDS = { api: 7, cpu: 10, render: 30, browser: 12 };

const named = process.argv.slice(2);
const parts = { api: true, render: true, browser: true };
if (named.length) for (const p of Object.keys(parts) as (keyof typeof parts)[]) parts[p] = named.includes(p);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number) => n.toLocaleString("en-US");
const verdict = (ok: boolean) => (ok ? "OK" : "MISSED");

async function person(db: Db, username: string) {
  return db.user.create({ data: { username, usernameKey: username.toLowerCase(), email: `${username}@bench.test`, emailConfirmedAt: new Date() } });
}

async function organization(db: Db, username: string, memberIds: string[]) {
  const org = await db.user.create({
    data: { username, usernameKey: username.toLowerCase(), email: `${username}@bench.test`, emailConfirmedAt: new Date(), isOrganization: true },
  });
  await db.membership.createMany({ data: memberIds.map((memberId) => ({ organizationId: org.id, memberId, isAdmin: true })) });
  return org;
}

/** `count` registrations named `${prefix}.Lib{n}`, owned by `ownerId`, in batches. */
async function ownPackages(db: Db, ownerId: string, prefix: string, count: number) {
  for (let i = 0; i < count; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - i) }, (_, j) => {
      const packageId = `${prefix}.Lib${i + j}`;
      return { id: `r_${packageId}`, packageId, idKey: packageId.toLowerCase() };
    });
    await db.packageRegistration.createMany({ data: rows });
    await db.packageOwner.createMany({ data: rows.map((r) => ({ registrationId: r.id, userId: ownerId })) });
  }
}

/** The cookie a password sign-in sets: a Session row and a JWT naming it (auth.ts). */
async function sessionCookie(db: Db, secret: string, user: { id: string; username: string; email: string }) {
  const sid = await createSession(db, user.id, { ip: "127.0.0.1", userAgent: "bench" });
  if (!sid) throw new Error("no session");
  const name = "authjs.session-token";
  const value = await encode({ token: { uid: user.id, sid, sub: user.id, name: user.username, email: user.email }, secret, salt: name });
  return { name, value };
}

async function seed(db: Db, secret: string) {
  // 1. a person with a personal key and a key scoped to their organization
  const alice = await person(db, "alice");
  const aliceOrg = await organization(db, "AliceOrg", [alice.id]);
  const keyFor = async (ownerId: string) => {
    const made = await createApiKey(db, alice.id, { name: `key ${ownerId}`, expiresInDays: 365, ownerId, actions: ["package:push"], subjects: ["*"] });
    if (!made.ok) throw new Error(made.error);
    return made.plaintext;
  };
  const keys = { org: await keyFor(aliceOrg.id), personal: await keyFor(alice.id) };

  // 2. a member of 50 organizations that own 10,000 packages between them, and an empty account
  const member = await person(db, "member");
  const empty = await person(db, "empty");
  for (let o = 0; o < ORGS; o++) {
    const org = await organization(db, `Org${String(o).padStart(2, "0")}`, [member.id]);
    await ownPackages(db, org.id, `Org${o}`, PACKAGES / ORGS);
  }

  // 3. for the browser: a member of one organization owning 10,000 packages and one owning 10
  const picker = await person(db, "picker");
  const bigOrg = await organization(db, "BigOrg", [picker.id]);
  const smallOrg = await organization(db, "SmallOrg", [picker.id]);
  await ownPackages(db, bigOrg.id, "Big", PACKAGES);
  await ownPackages(db, smallOrg.id, "Small", 10);

  return {
    keys,
    cookies: {
      member: await sessionCookie(db, secret, member),
      empty: await sessionCookie(db, secret, empty),
      picker: await sessionCookie(db, secret, picker),
    },
  };
}

/** 1. The org-key no-op against no key (and a personal key), alternating 3 s runs. */
async function apiRatios(base: string, keys: { org: string; personal: string }) {
  const url = `${base}/api/v2/verifykey/No.Such.Package.${randomBytes(3).toString("hex")}/1.0.0`;
  const sides = { none: undefined, org: keys.org, personal: keys.personal } as const;
  const expected = { none: "401", org: "404", personal: "404" } as const;
  for (const [side, key] of Object.entries(sides)) {
    const status = (await fetch(url, { headers: key ? { "X-NuGet-ApiKey": key } : {} })).status;
    if (String(status) !== expected[side as keyof typeof sides]) throw new Error(`${side}: answered ${status}`);
  }
  const run = async (side: keyof typeof sides, duration: number) => {
    const key = sides[side];
    const r = await autocannon({ url, connections: 10, duration, headers: key ? { "X-NuGet-ApiKey": key } : {} });
    const other = Object.keys(r.statusCodeStats).filter((code) => code !== expected[side]);
    if (other.length || r.errors || r.timeouts) throw new Error(`${side}: unexpected answers ${JSON.stringify(r.statusCodeStats)} errors=${r.errors}`);
    return r.requests.total / r.duration;
  };
  for (const side of ["none", "org", "personal"] as const) await run(side, 1); // warm-up
  const rps = { none: [] as number[], org: [] as number[], personal: [] as number[] };
  const perRound = { org: [] as number[], personal: [] as number[] };
  for (let round = 0; round < ROUNDS.api; round++) {
    // each round in another order, so no side always follows the same one
    const order = (["none", "org", "personal"] as const).map((_, i, a) => a[(i + round) % a.length]);
    const r: Partial<Record<keyof typeof sides, number>> = {};
    for (const side of order) rps[side].push((r[side] = await run(side, 3)));
    perRound.org.push(r.org! / r.none!);
    perRound.personal.push(r.personal! / r.none!);
  }
  return { rps, perRound };
}

/** The key check alone, in-process: authenticate() with each key, alternating batches; µs per call. */
async function keyCheckMicros(db: Db, keys: { org: string; personal: string }) {
  const batch = async (key: string) => {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) {
      const auth = await authenticate(db, key);
      if (!auth.ok) throw new Error(`in-process key check: ${auth.failure}`);
    }
    return ((performance.now() - t0) / 200) * 1000;
  };
  for (let i = 0; i < 5; i++) await Promise.all([batch(keys.org), batch(keys.personal)]);
  const us = { org: [] as number[], personal: [] as number[] };
  for (let round = 0; round < 30; round++) {
    us.org.push(await batch(keys.org));
    us.personal.push(await batch(keys.personal));
  }
  return { org: median(us.org), personal: median(us.personal) };
}

/** CPU seconds used so far by every process in the server's process group (Linux /proc). */
function groupCpuSeconds(pgrp: number): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      // the fields after the command name, which may hold spaces, start at field 3 (state)
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ").pop()!.split(" ");
      if (Number(f[2]) === pgrp) total += (Number(f[11]) + Number(f[12])) / tick;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/**
 * The server's CPU per request for each side, in alternating blocks of requests (4 at a time).
 * The server is one CPU-bound process, so its requests/s at saturation is the cores it gets over
 * its CPU per request: the ratio of CPU per request estimates the requests/s ratio, and CPU time,
 * unlike wall time, is barely moved by a busy neighbour on the shared cores.
 */
async function cpuPerRequest(base: string, pgrp: number, keys: { org: string; personal: string }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const url = `${base}/api/v2/verifykey/No.Such.Package.${randomBytes(3).toString("hex")}/1.0.0`;
  const get = (key: string | undefined) =>
    new Promise<void>((resolve, reject) => {
      const req = http.get(url, { agent, headers: key ? { "X-NuGet-ApiKey": key } : {} }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
    });
  const sides = { none: undefined, org: keys.org, personal: keys.personal } as const;
  const BLOCK = 400;
  const block = async (key: string | undefined) => {
    const before = groupCpuSeconds(pgrp);
    let next = 0;
    const worker = async () => {
      while (next++ < BLOCK) await get(key);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return groupCpuSeconds(pgrp) - before;
  };
  const cpu = { none: 0, org: 0, personal: 0 };
  try {
    for (const key of Object.values(sides)) await block(key); // warm-up
    for (let round = 0; round < ROUNDS.cpu; round++) {
      const order = (["none", "org", "personal"] as const).map((_, i, a) => a[(i + round) % a.length]);
      for (const side of order) cpu[side] += await block(sides[side]);
    }
  } finally {
    agent.destroy();
  }
  const perRequestUs = (side: keyof typeof cpu) => (cpu[side] / (BLOCK * ROUNDS.cpu)) * 1e6;
  return { none: perRequestUs("none"), org: perRequestUs("org"), personal: perRequestUs("personal"), n: BLOCK * ROUNDS.cpu };
}

async function timeGet(url: string, cookie: string) {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: "manual" });
  const html = await res.text();
  return { ms: performance.now() - t0, status: res.status, html };
}

/** 2. Server render of /account/apikeys, the member of 50 organizations against the empty account, alternating. */
async function renderRatio(base: string, cookies: { member: string; empty: string }) {
  const url = `${base}/account/apikeys`;
  const first = await timeGet(url, cookies.member);
  const options = (first.html.match(/Org\d\d/g) ?? []).length;
  if (first.status !== 200 || options < ORGS) throw new Error(`the member's page: ${first.status}, ${options} organizations named`);
  if ((await timeGet(url, cookies.empty)).status !== 200) throw new Error("the empty account's page did not render");
  for (let i = 0; i < 5; i++) await Promise.all([timeGet(url, cookies.member), timeGet(url, cookies.empty)]);
  const ms = { member: [] as number[], empty: [] as number[] };
  for (let i = 0; i < ROUNDS.render; i++) {
    const order = i % 2 ? (["member", "empty"] as const) : (["empty", "member"] as const);
    for (const who of order) ms[who].push((await timeGet(url, cookies[who])).ms);
  }
  return { ms, htmlKb: first.html.length / 1024 };
}

/**
 * 3. In Chromium: the time from the "Package Owner" change event until the picker's counter
 * reads "0 of {n} packages selected" with the first id listed, and the frame after it painted.
 * Measured in the page (no CDP round trips in the figure); owners alternate, each choice from
 * a freshly loaded page, so neither side profits from the other's warm caches more.
 */
interface Shown {
  total: number;
  /** the server action's request, start to last byte */
  fetch: number;
  bytes: number;
}

async function browserRatio(base: string, cookie: { name: string; value: string }) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--disable-gpu", "--disable-quic"] });
  try {
    const context = await browser.newContext();
    await context.addCookies([{ ...cookie, url: base }]);
    const page = await context.newPage();
    const owners = { big: { name: "BigOrg", total: PACKAGES, first: "Big.Lib0" }, small: { name: "SmallOrg", total: 10, first: "Small.Lib0" } };
    const choose = async (which: keyof typeof owners) => {
      const o = owners[which];
      await page.goto(`${base}/account/apikeys`);
      await page.getByRole("heading", { name: "Create" }).getByRole("button").click();
      const select = page.getByLabel("Package Owner");
      await select.waitFor();
      await page.evaluate(
        ({ expected, first }) => {
          const w = window as unknown as { __shown: Promise<Shown> };
          const select = document.getElementById("create-owner")!;
          w.__shown = new Promise<Shown>((resolve) => {
            let t0 = 0;
            select.addEventListener("change", () => (t0 = performance.now()), { capture: true, once: true });
            // no named functions in here: tsx's __name helper does not exist in the page
            const observer = new MutationObserver(() => {
              if (!t0 || document.querySelector('[data-testid="packages-counter"]')?.textContent !== expected) return;
              if (![...document.querySelectorAll("form label")].some((l) => l.textContent === first)) return;
              observer.disconnect();
              // the frame that shows them: rAF runs before its paint, the task after it
              requestAnimationFrame(() =>
                setTimeout(async () => {
                  const total = performance.now() - t0;
                  // the owner's packages arrive by one fetch (the server action): its share of the
                  // time (its timing entry may be queued a little after the body is read)
                  let entry: PerformanceResourceTiming | undefined;
                  for (let i = 0; i < 50 && !entry; i++) {
                    entry = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).find((e) => e.startTime >= t0 && e.initiatorType === "fetch");
                    if (!entry) await new Promise((r) => setTimeout(r, 20));
                  }
                  resolve({ total, fetch: entry ? entry.responseEnd - entry.startTime : NaN, bytes: entry?.encodedBodySize ?? 0 });
                }),
              );
            });
            observer.observe(document.body, { childList: true, subtree: true, characterData: true });
          });
        },
        { expected: `0 of ${o.total.toLocaleString("en-US")} packages selected`, first: o.first },
      );
      await select.selectOption(o.name);
      return page.evaluate(() => (window as unknown as { __shown: Promise<Shown> }).__shown);
    };
    for (let i = 0; i < 2; i++) {
      await choose("small");
      await choose("big");
    }
    const ms = { big: [] as Shown[], small: [] as Shown[] };
    for (let i = 0; i < ROUNDS.browser; i++) {
      const order = i % 2 ? (["big", "small"] as const) : (["small", "big"] as const);
      for (const which of order) ms[which].push(await choose(which));
    }
    return ms;
  } finally {
    await browser.close();
  }
}

async function main() {
  requireBuild();
  const env = freshServerEnv(dir);
  process.env.DATABASE_URL = env.DATABASE_URL;
  process.env.MAIL_DIR = env.MAIL_DIR;
  process.env.PACKAGES_DIR = env.PACKAGES_DIR;
  const db = createDb(env.DATABASE_URL);
  const t = performance.now();
  const { keys, cookies } = await seed(db, env.AUTH_SECRET);
  const inProcess = parts.api ? await keyCheckMicros(db, keys) : { org: NaN, personal: NaN };
  await db.$disconnect();
  console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s: ${ORGS} organizations with ${fmt(PACKAGES)} packages between them, one with ${fmt(PACKAGES)}, one with 10`);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = startDetached(["dist/server.mjs"], { ...env, PORT: String(port), HOST: "127.0.0.1" });
  try {
    await waitFor(`${base}/api/health`, app.child);
    console.log(`production server on ${base}, database ${path.relative(root, env.DATABASE_URL.slice(5))}\n`);
    const header = (c: { name: string; value: string }) => `${c.name}=${c.value}`;

    const ratios: string[] = [];
    if (parts.api) {
      const api = await apiRatios(base, keys);
      const orgRatio = median(api.perRound.org);
      const cpu = await cpuPerRequest(base, app.child.pid!, keys);
      const cpuRatio = cpu.none / cpu.org;
      console.log(`1. authenticated no-op, GET /api/v2/verifykey/{missing id}/1.0.0`);
      console.log(`   the server's CPU per request (${fmt(cpu.n)} requests each, in alternating blocks of 400):`);
      console.log(`     no key (401) ${cpu.none.toFixed(0)} µs, organization key (404) ${cpu.org.toFixed(0)} µs, personal key (404) ${cpu.personal.toFixed(0)} µs`);
      console.log(`   => requests/s, org key / no key ${cpuRatio.toFixed(2)} (target >= 0.9) ${verdict(cpuRatio >= 0.9)}; personal key / no key ${(cpu.none / cpu.personal).toFixed(2)}; org key / personal key ${(cpu.personal / cpu.org).toFixed(2)}`);
      console.log(`   requests/s under load (10 connections, ${ROUNDS.api} alternating rounds of 3 s; wall time, so a busy neighbour shows):`);
      console.log(`     medians: no key ${fmt(Math.round(median(api.rps.none)))}, organization key ${fmt(Math.round(median(api.rps.org)))}, personal key ${fmt(Math.round(median(api.rps.personal)))} req/s`);
      console.log(`     per-round ratios, org key / no key: ${api.perRound.org.map((r) => r.toFixed(2)).join(" ")}`);
      console.log(`   => median ratio org key / no key ${orgRatio.toFixed(2)} (target >= 0.9) ${verdict(orgRatio >= 0.9)}; personal key / no key ${median(api.perRound.personal).toFixed(2)}`);
      console.log(`   the key check alone, in-process (authenticate(), medians): organization key ${inProcess.org.toFixed(0)} µs, personal key ${inProcess.personal.toFixed(0)} µs\n`);
      ratios.push(`org-key no-op ${orgRatio.toFixed(2)} (by CPU ${cpuRatio.toFixed(2)})`);
    }
    if (parts.render) {
      const render = await renderRatio(base, { member: header(cookies.member), empty: header(cookies.empty) });
      const renderRatioValue = median(render.ms.member) / median(render.ms.empty);
      console.log(`2. server render of /account/apikeys (${ROUNDS.render} requests each, alternating)`);
      console.log(`   empty account:                                  median ${median(render.ms.empty).toFixed(1)} ms`);
      console.log(`   member of ${ORGS} organizations, ${fmt(PACKAGES)} packages: median ${median(render.ms.member).toFixed(1)} ms  (HTML ${render.htmlKb.toFixed(0)} kB)`);
      console.log(`   => ratio ${renderRatioValue.toFixed(2)} (target <= 2) ${verdict(renderRatioValue <= 2)}\n`);
      ratios.push(`render ${renderRatioValue.toFixed(2)}x`);
    }
    if (parts.browser) {
      const browser = await browserRatio(base, cookies.picker);
      const total = (xs: Shown[]) => median(xs.map((x) => x.total));
      const fetched = (xs: Shown[]) => median(xs.map((x) => x.fetch));
      const browserRatioValue = total(browser.big) / total(browser.small);
      console.log(`3. in Chromium, "Package Owner" chosen until its packages are listed (${ROUNDS.browser} choices each, alternating)`);
      for (const [label, xs] of [["owner of 10 packages:    ", browser.small], [`owner of ${fmt(PACKAGES)} packages:`, browser.big]] as const) {
        console.log(
          `   ${label} median ${total(xs).toFixed(0)} ms, of which the server action's fetch ${fetched(xs).toFixed(0)} ms (${(xs[0].bytes / 1024).toFixed(1)} kB)  (${xs.map((x) => x.total.toFixed(0)).join(" ")})`,
        );
      }
      console.log(`   => ratio ${browserRatioValue.toFixed(2)} (target <= 2) ${verdict(browserRatioValue <= 2)}\n`);
      ratios.push(`owner switch ${browserRatioValue.toFixed(2)}x`);
    }
    console.log(`ratios: ${ratios.join(" | ")}`);
  } finally {
    app.stop();
  }
}

await main();
