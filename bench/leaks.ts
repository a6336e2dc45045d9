// Leaked-key benchmarks, two ratios measured in one run:
//   1. the push scan's cost: a 10 MB package with 200 text entries pushed over HTTP to two
//      production servers, one scanning (LEAK_SCAN_PUSHES=1) and one not (=0), their pushes
//      interleaved (the order swapped each round) so a busy neighbour on the shared cores slows
//      both alike; the cost is the median of the rounds' on/off ratios (target: scanning adds
//      <= 15% to the package as libraries ship it, 200 text entries beside 8 MB of assemblies;
//      the worst case, 10 MB of text, is shown beside). Twice: over loopback (the body arrives
//      at once: the scan cannot start before the upload ends, and client, server and scan
//      share the machine's cores) and paced to
//      1 Gbit/s (the scan's head start works through the upload, as on a real network). Every
//      body is built before the first push. The scan alone, in-process, is shown beside, and
//      each server's CPU time per push (all its threads, from /proc: less noisy than wall time
//      on a shared machine, and what the scan costs where no upload hides it).
//   2. the partner endpoint's database round trips for a 1,000-token batch: receiveDisclosure
//      (one batched lookup, one revoking write, one URL write, one audit write) against the
//      same batch handled one query per token, every SQL statement counted by Prisma's query
//      log (target: >= 50x fewer). Wall times are shown beside.
// It builds nothing: run `npm run build` first. It starts the production server twice
// (dist/server.mjs) on fresh SQLite databases under .data/bench-leaks. BENCH_ROUNDS=30 sets the
// rounds per measurement; BENCH_ONLY_PUSH=1 skips part 2.
//   npm run bench:leaks
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { register } from "node:module";
import path from "node:path";
import { strToU8, zipSync, type Zippable } from "fflate";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { multipartNuGet58, nuspecXml } from "@/e2e/nupkg";
import { createDb, type Db } from "@/lib/create-db";
import { PrismaClient } from "@/lib/generated/sqlite/client";
import { generateKey, parseKey, secretMatches } from "@/lib/api-keys/key-material";
import { freePort } from "../tests/free-port";
import { freshServerEnv, requireBuild, root, startDetached, waitFor } from "./production-server";

register(new URL("../e2e/nuget/server-only-hook.mjs", import.meta.url));
const { createApiKey } = await import("@/lib/api-keys/store");
const { findKeysInPackage } = await import("@/lib/leaks/scan");
const { receiveDisclosure } = await import("@/lib/leaks/partner");
const { KeyList } = await import("@/lib/leaks/key-list");
const { settleLeakMails } = await import("@/lib/leaks/mails");

const dir = path.join(root, ".data/bench-leaks");
const MB = 1024 * 1024;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// a connection per push: building the next 10 MB body on a busy machine can outlast the server's keep-alive
const agent = new http.Agent({ keepAlive: false });
/** A PUT of `body`, sent at most `bytesPerSecond` fast (256 kB at a time) when given: a link, not loopback. */
function put(url: string, headers: Record<string, string>, body: Buffer, bytesPerSecond?: number): Promise<{ status: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "PUT", agent, headers: { ...headers, "Content-Length": body.length } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, reason: res.statusMessage! }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (!bytesPerSecond) return req.end(body);
    const start = performance.now();
    const send = (at: number) => {
      if (at >= body.length) return req.end();
      const next = Math.min(body.length, at + 256 * 1024);
      req.write(body.subarray(at, next));
      setTimeout(() => send(next), Math.max(0, start + (next / bytesPerSecond) * 1000 - performance.now()));
    };
    send(0);
  });
}

const EXTENSIONS = ["txt", "json", "xml", "ps1", "md", "config", "props", "targets"];
const WORDS = Array.from({ length: 600 }, () => randomBytes(4).toString("hex").replace(/[0-9]/g, "").slice(0, 3 + Math.floor(Math.random() * 6)) || "x");
const words = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(Math.random() * WORDS.length)]).join(" ");

/** A few look-alikes (right shape, wrong checksum), so the scan's checksum path runs too. */
const lookAlike = () => `oy2${randomBytes(40).toString("hex").replace(/[^a-z2-7]/g, "a").slice(0, 43)}`;

/**
 * The package as a library ships it: 200 text entries (XML docs, scripts, configs: prose and
 * markup, deflating 4-6x) of about 40 kB each, and about 8 MB of assemblies (not text: not read).
 */
function typicalEntries(): Record<string, Uint8Array> {
  const entries: Record<string, Uint8Array> = {};
  for (let i = 0; i < 200; i++) {
    const members = Array.from({ length: 120 }, (_, j) => `<member name="M:Contoso.Widget${i}.Method${j}(System.String)"><summary>${words(30)}</summary><param name="value">${words(8)}</param></member>`);
    members[7] = `<!-- ${lookAlike()} -->`;
    entries[`content/file${i}.${EXTENSIONS[i % EXTENSIONS.length]}`] = strToU8(`<?xml version="1.0"?><doc>${members.join("\n")}</doc>`);
  }
  for (let i = 0; i < 16; i++) entries[`lib/net8.0/Contoso.Part${i}.dll`] = new Uint8Array(randomBytes(512 * 1024));
  return entries;
}

/** The worst case: all 10 MB are text that deflates badly (base64, 3:4), in 200 entries. */
function allTextEntries(): Record<string, Uint8Array> {
  const entries: Record<string, Uint8Array> = {};
  for (let i = 0; i < 200; i++) {
    const lines = randomBytes(52 * 1024).toString("base64").match(/.{1,76}/g)!;
    for (let j = 0; j < 5; j++) lines[j * 100] = `key=${lookAlike()}`;
    entries[`content/file${i}.${EXTENSIONS[i % EXTENSIONS.length]}`] = strToU8(lines.join("\n"));
  }
  return entries;
}

function pushBody(texts: Record<string, Uint8Array>, version: string) {
  const files: Zippable = { "Bench.Leaks.nuspec": strToU8(nuspecXml("Bench.Leaks", version)) };
  for (const [name, bytes] of Object.entries(texts)) files[name] = bytes;
  const nupkg = zipSync(files, { level: 6 });
  return { nupkg, ...multipartNuGet58(nupkg) };
}

async function startServer(name: string, scan: "0" | "1") {
  const env = { ...freshServerEnv(path.join(dir, name)), LEAK_SCAN_PUSHES: scan };
  const db = createDb(env.DATABASE_URL);
  const username = `bench_${randomBytes(3).toString("hex")}`;
  const user = await db.user.create({ data: { username, usernameKey: username, email: `${username}@example.test`, emailConfirmedAt: new Date() } });
  const created = await createApiKey(db, user.id, { name: "bench", expiresInDays: 365, ownerId: user.id, actions: ["package:push"], subjects: ["*"] });
  if (!created.ok) throw new Error(created.error);
  await db.$disconnect();
  const port = await freePort();
  const app = startDetached(["dist/server.mjs"], { ...env, PORT: String(port), HOST: "127.0.0.1" });
  await waitFor(`http://127.0.0.1:${port}/api/health`, app.child);
  return { url: `http://127.0.0.1:${port}/api/v2/package/`, apiKey: created.plaintext, stop: app.stop, pid: app.child.pid! };
}

type Server = Awaited<ReturnType<typeof startServer>>;

/** The server's CPU time so far, all its threads (workers, GC, libuv) in user and kernel mode, in ms (Linux: /proc, 100 ticks a second). */
function cpuMs(server: Server): number {
  const stat = readFileSync(`/proc/${server.pid}/stat`, "latin1");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Pushes of the same package to both servers, interleaved (the order swapped each round); the
 * scan's cost as the median of each round's on/off ratio (a busy neighbour slows both pushes
 * of a round alike) and as the ratio of the medians. Bodies are built before the first push.
 */
async function pushScanCost(on: Server, off: Server, bodies: ReturnType<typeof pushBody>[], bytesPerSecond?: number) {
  const WARM = 4;
  const times = { on: [] as number[], off: [] as number[], pair: [] as number[] };
  const cpu = { on: 0, off: 0 };
  for (let i = 0; i < bodies.length; i++) {
    const { body, contentType } = bodies[i];
    const order = i % 2 ? ([["off", off], ["on", on]] as const) : ([["on", on], ["off", off]] as const);
    const round = { on: 0, off: 0 };
    for (const [side, server] of order) {
      const c = cpuMs(server);
      const t = performance.now();
      const res = await put(server.url, { "X-NuGet-ApiKey": server.apiKey, "Content-Type": contentType }, body, bytesPerSecond);
      if (res.status !== 201) throw new Error(`push ${i} (${side}) answered ${res.status} ${res.reason}`);
      round[side] = performance.now() - t;
      if (i >= WARM) cpu[side] += cpuMs(server) - c;
    }
    if (i < WARM) continue;
    times.on.push(round.on);
    times.off.push(round.off);
    times.pair.push(round.on / round.off);
  }
  const n = times.pair.length;
  return { on: median(times.on), off: median(times.off), paired: median(times.pair) - 1, n, cpuOn: cpu.on / n, cpuOff: cpu.off / n };
}

/** A package's bodies, one per version, and what its text is. */
function packageBodies(entries: Record<string, Uint8Array>, minor: number, count: number) {
  const bodies = Array.from({ length: count }, (_, i) => pushBody(entries, `1.${minor}.${i}`));
  let inflated = 0;
  for (const [name, bytes] of Object.entries(entries)) if (!name.endsWith(".dll")) inflated += bytes.byteLength;
  return { bodies, size: bodies[0].nupkg.byteLength, inflated };
}

/** The scan alone, in this process (no worker), on the bodies' packages: the CPU time it needs. */
async function scanAlone(bodies: ReturnType<typeof pushBody>[]) {
  const times: number[] = [];
  for (const { nupkg } of bodies) {
    const t = performance.now();
    if ((await findKeysInPackage(nupkg)).length) throw new Error("the bench package has no real key");
    times.push(performance.now() - t);
  }
  return median(times.slice(4));
}

/** The same batch handled the obvious way: one lookup per token, then one write and one audit row per live key. */
async function perToken(db: Db, tokens: { token: string; url: string }[], now: Date): Promise<string[]> {
  const labels: string[] = [];
  for (const { token, url } of tokens) {
    const parsed = parseKey(token);
    const row = parsed ? await db.apiKey.findUnique({ where: { lookupId: parsed.lookupId }, select: { id: true, secretHash: true, revokedAt: true, expiresAt: true, name: true } }) : null;
    if (!parsed || !row || !secretMatches(parsed, row.secretHash)) {
      labels.push("false_positive");
      continue;
    }
    if (!row.revokedAt && row.expiresAt > now) {
      await db.apiKey.update({ where: { id: row.id }, data: { revokedAt: now, expiresAt: now, revocationSource: "GitHub", revocationUrl: url } });
      await db.auditRecord.create({ data: { action: "RevokeCredential", target: row.id, details: JSON.stringify({ name: row.name, source: "GitHub", url }) } });
    }
    labels.push("true_positive");
  }
  return labels;
}

async function partnerRoundTrips() {
  const env = freshServerEnv(path.join(dir, "partner"));
  const url = env.DATABASE_URL;
  process.env.MAIL_DIR = env.MAIL_DIR;
  const statements: string[] = [];
  const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }), log: [{ emit: "event", level: "query" }] });
  client.$on("query", (e) => statements.push(e.query));
  const db = client as unknown as Db;

  const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const list = http.createServer((_, res) => res.end(JSON.stringify({ public_keys: [{ key_identifier: "bench", key: pair.publicKey.export({ type: "spki", format: "pem" }), is_current: true }] })));
  await new Promise<void>((resolve) => list.listen(0, "127.0.0.1", resolve));
  const keys = new KeyList({ url: `http://127.0.0.1:${(list.address() as AddressInfo).port}/`, cacheMs: 3_600_000, refetchMs: 60_000 });

  // per run: 1,000 tokens, 100 of them live keys, 100 already revoked, 400 well-formed unknowns, 400 look-alikes
  async function batch() {
    const username = `b_${randomBytes(4).toString("hex")}`;
    const user = await db.user.create({ data: { username, usernameKey: username, email: `${username}@example.test` } });
    const tokens: { token: string; url: string }[] = [];
    for (let i = 0; i < 200; i++) {
      const k = await createApiKey(db, user.id, { name: `k${i}`, expiresInDays: 365, ownerId: user.id, actions: ["package:push"], subjects: ["*"] });
      if (!k.ok) throw new Error(k.error);
      if (i >= 100) await db.apiKey.update({ where: { id: k.key.id }, data: { revokedAt: new Date(), revocationSource: "User" } });
      tokens.push({ token: k.plaintext, url: `https://github.com/o/r/blob/main/f${i}` });
    }
    for (let i = 0; i < 400; i++) tokens.push({ token: generateKey().plaintext, url: "" });
    for (let i = 0; i < 400; i++) tokens.push({ token: `oy2${randomBytes(30).toString("hex").replace(/[^a-z2-7]/g, "b").slice(0, 43)}`, url: "" });
    return tokens.sort(() => Math.random() - 0.5);
  }
  await settleLeakMails();

  const ours = await batch();
  const body = Buffer.from(JSON.stringify(ours.map((t) => ({ token: t.token, type: "nuget_api_key", url: t.url, source: "commit" }))));
  const headers = new Headers({ "Github-Public-Key-Identifier": "bench", "Github-Public-Key-Signature": sign("sha256", body, pair.privateKey).toString("base64") });
  await keys.find("bench"); // the key list fetched before the count starts
  statements.length = 0;
  let t = performance.now();
  const answer = await receiveDisclosure(db, "github", { headers, body, origin: "http://bench.test" }, keys);
  const oursMs = performance.now() - t;
  const oursStatements = statements.length;
  if (answer.status !== 200) throw new Error(`partner answered ${answer.status}`);
  const labels = (answer.body as { label: string }[]).map((b) => b.label);
  await settleLeakMails();

  const theirs = await batch();
  statements.length = 0;
  t = performance.now();
  const theirLabels = await perToken(db, theirs, new Date());
  const theirsMs = performance.now() - t;
  const theirsStatements = statements.length;
  // both ways label alike: 200 true positives each
  const count = (xs: string[]) => xs.filter((l) => l === "true_positive").length;
  if (count(labels) !== 200 || count(theirLabels) !== 200) throw new Error(`labels differ: ${count(labels)} / ${count(theirLabels)}`);
  list.close();
  await client.$disconnect();
  return { oursStatements, theirsStatements, oursMs, theirsMs };
}

/** 1 Gbit/s, as a push from a fast office or CI network sends: the scan's head start has the upload to work in. */
const LINK_BYTES_PER_SECOND = 125_000_000;

async function main() {
  requireBuild();
  const N = Number(process.env.BENCH_ROUNDS ?? 30) + 4;
  const packages = [
    // the target is the typical package's; the worst case is shown beside it
    { what: "typical: 200 text entries (XML docs, scripts, configs) + 8 MB of assemblies", judged: true, ...packageBodies(typicalEntries(), 1, 2 * N) },
    { what: "worst case: all of it text, 200 entries of base64 (deflates 3:4)", judged: false, ...packageBodies(allTextEntries(), 2, 2 * N) },
  ];
  const on = await startServer("scan-on", "1");
  const off = await startServer("scan-off", "0");
  const rows: { what: string; judged: boolean; size: number; inflated: number; scan: number; loopback: Awaited<ReturnType<typeof pushScanCost>>; link: Awaited<ReturnType<typeof pushScanCost>> }[] = [];
  try {
    for (const p of packages) {
      await new Promise((r) => setTimeout(r, 300)); // building the bodies' garbage collected before the first push
      const loopback = await pushScanCost(on, off, p.bodies.slice(0, N));
      const link = await pushScanCost(on, off, p.bodies.slice(N), LINK_BYTES_PER_SECOND);
      rows.push({ what: p.what, judged: p.judged, size: p.size, inflated: p.inflated, scan: await scanAlone(p.bodies.slice(0, N)), loopback, link });
    }
  } finally {
    on.stop();
    off.stop();
  }
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
  console.log(`1. a 10 MB push with 200 text entries, scanning on (LEAK_SCAN_PUSHES=1) vs off (=0): two production servers, pushes interleaved, ${rows[0].loopback.n} rounds each`);
  console.log("   (the scan's cost is the median of the rounds' on/off ratios; the ratio of the medians is shown beside)");
  for (const r of rows) {
    console.log(`   ${r.what}`);
    console.log(`     package ${(r.size / MB).toFixed(1)} MB, text inflated ${(r.inflated / MB).toFixed(1)} MB; the scan alone, in-process, ${r.scan.toFixed(1)} ms`);
    const verdict = !r.judged
      ? "(no target: inflating this much text takes about as long as the whole push does without scanning)"
      : r.loopback.paired <= 0.15
        ? "(target <= 15%) OK"
        : "(target <= 15%) ABOVE TARGET";
    console.log(`     loopback:     on ${r.loopback.on.toFixed(1)} ms, off ${r.loopback.off.toFixed(1)} ms => scanning adds ${pct(r.loopback.paired)} (ratio of medians ${pct(r.loopback.on / r.loopback.off - 1)}) ${verdict}`);
    console.log(`     1 Gbit/s link: on ${r.link.on.toFixed(1)} ms, off ${r.link.off.toFixed(1)} ms => scanning adds ${pct(r.link.paired)} (ratio of medians ${pct(r.link.on / r.link.off - 1)})`);
    console.log(`     server CPU per push (all threads, loopback): on ${r.loopback.cpuOn.toFixed(0)} ms, off ${r.loopback.cpuOff.toFixed(0)} ms (${pct(r.loopback.cpuOn / r.loopback.cpuOff - 1)})`);
  }
  console.log("");
  if (process.env.BENCH_ONLY_PUSH) return;

  const partner = await partnerRoundTrips();
  const ratio = partner.theirsStatements / partner.oursStatements;
  console.log("2. partner endpoint, one 1,000-token batch (100 live, 100 already revoked, 400 unknown, 400 look-alikes): SQL statements (Prisma's query log)");
  console.log(`   receiveDisclosure (batched):   ${partner.oursStatements} statements, ${partner.oursMs.toFixed(0)} ms (signature check and JSON included)`);
  console.log(`   one query per token:           ${partner.theirsStatements} statements, ${partner.theirsMs.toFixed(0)} ms`);
  console.log(`   => ${ratio.toFixed(0)}x fewer round trips (target >= 50x) ${ratio >= 50 ? "OK" : "BELOW TARGET"}\n`);
  const [typical, allText] = rows;
  console.log(
    `ratios: push scan ${pct(typical.loopback.paired)} typical, ${pct(allText.loopback.paired)} all text (loopback); ${pct(typical.link.paired)} and ${pct(allText.link.paired)} over 1 Gbit/s | partner ${ratio.toFixed(0)}x fewer round trips`,
  );
  agent.destroy();
}

await main();
