// Crafted-zip benchmark (an attacker's review, finding 1), against the production build. Each
// crafted zip is pushed with a valid key, one push after another for a few seconds, while
// /api/health is polled; in windows alternating with those, it is polled as long with no push.
// Two figures per zip, measured in one run:
//   1. the worst /api/health latency during the pushes / its worst with no push (target <= 2x)
//   2. the server's resident memory growth: VmRSS summed over the server process and its
//      children, before the pushes vs its peak while they run and after (target <= 50 MB)
// Before lib/nuget/zip.ts the three reported zips stalled every request for 3.9, 9.8 and 1.8 s; the
// second took the server from 80 MB to 1.18 GB.
// Measured while building the reader and the nuspec limits (2026-12-02, 2 shared cores): walking
// a 250 MB body of minimal central-directory records (5.6 M) took 0.1-0.4 s, 4,096 of them a
// median 0.15 ms (hence lib/nuget/zip.ts's WALK_SLICE); the XML parser costs 2-6 µs per element
// and about 0.25 s per MB of text: 60,000 "<a/>" from a 500-byte upload stalled every request for
// 0.2-0.4 s, 10,000 for 20-70 ms, a 1 MB description for 0.5 s (hence MAX_NUSPEC_TAGS and
// MAX_NUSPEC_BYTES in lib/nuget/nupkg.ts).
// It builds nothing: run `npm run build` first. It starts the production server
// (dist/server.mjs) on a fresh SQLite database under .data/bench-zips.
//   npm run bench:zips
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { multipartNuGet58 } from "@/e2e/nupkg";
import { rawRequest } from "@/e2e/raw-http";
import { createDb } from "@/lib/create-db";
import { MAX_NUSPEC_BYTES, MAX_NUSPEC_TAGS } from "@/lib/nuget/nupkg";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { countBomb, manyEntries, nuspecBomb, nuspecOf, overlapBomb } from "@/tests/crafted-zips";
import { freePort } from "../tests/free-port";
import { freshServerEnv, requireBuild, root, startDetached, waitFor } from "./production-server";

const dir = path.join(root, ".data/bench-zips");
const MB = 1024 * 1024;
/** seconds of pushes per zip, and as many with no push, in ROUNDS alternating windows */
const SECONDS = 4;
const ROUNDS = 4;
const INVALID = "The package is not a valid .nupkg (zip) file.";
const MORE_THAN_ONE = "The package has more than one .nuspec file at its root.";
const BAD_ID = "The package id is not valid: at most 100 letters, digits, '_', '.' or '-', with no '.' or '-' at the start, at the end or twice in a row.";

const attacks: { name: string; zip: Buffer; reason: string }[] = [
  { name: "Zip64 end record claims 10,000,000 entries", zip: countBomb(10_000_000), reason: INVALID },
  { name: "Zip64 end record claims 2^32 - 1 entries", zip: countBomb(2 ** 32 - 1), reason: INVALID },
  { name: "1,100 root nuspecs on one 1 MB deflate stream", zip: overlapBomb(1100), reason: MORE_THAN_ONE },
  { name: "65,535 root nuspecs on one 1 MB deflate stream", zip: overlapBomb(65_535), reason: MORE_THAN_ONE },
  { name: "nuspec declared 1,000 bytes, inflates to 200 MB", zip: nuspecBomb(200), reason: "The package's .nuspec file is damaged." },
  { name: "nuspec of 240 KB of <a/> (60,000 tags, 500 bytes compressed)", zip: nuspecOf("A", "<a/>".repeat(60_000)), reason: "The package's .nuspec file has too many XML elements." },
  // the costliest nuspecs still parsed: their id is refused only then, so they can be pushed again and again
  { name: `nuspec of ${MAX_NUSPEC_TAGS.toLocaleString()} tags (the cap), refused after parsing`, zip: nuspecOf("bad..id", "<a/>".repeat(MAX_NUSPEC_TAGS - 8)), reason: BAD_ID },
  { name: "nuspec of a 1 MB description", zip: nuspecOf("bad..id", `<description>${"x".repeat(MB)}</description>`), reason: "The package's .nuspec file is too large." },
  { name: "nuspec of 256 KB (the cap), refused after parsing", zip: nuspecOf("bad..id", `<description>${"x".repeat(MAX_NUSPEC_BYTES - 200)}</description>`), reason: BAD_ID },
  // the longest central-directory walk a body of this size can ask for: every record is read
  { name: "20 MB of minimal central-directory records", zip: manyEntries(20 * MB), reason: "The package has no .nuspec file at the root of its zip." },
];

/** The server process and its descendants, from each process's parent in /proc. */
function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      // "pid (comm) state ppid …": comm may hold spaces and parentheses
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process has just ended
    }
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

function rssBytes(rootPid: number): number {
  let total = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
      total += kb ? Number(kb[1]) * 1024 : 0;
    } catch {
      // the process has just ended
    }
  }
  return total;
}

/** /api/health, one request after another until `running()` says stop: each latency in ms. */
async function pollHealth(base: string, running: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (running()) {
    const t = performance.now();
    const res = await fetch(`${base}/api/health`);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`/api/health answered ${res.status}`);
    latencies.push(performance.now() - t);
  }
  return latencies;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  requireBuild();
  const env = freshServerEnv(dir);
  const db = createDb(env.DATABASE_URL);
  const user = await insertTestUser(db);
  const { plaintext: apiKey } = await insertTestKey(db, { userId: user.id, actions: ["package:push"] });
  await db.$disconnect();

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { child: server, stop } = startDetached(["dist/server.mjs"], { ...env, PORT: String(port), HOST: "127.0.0.1" });

  // each zip's form built once: building a 20 MB body per push in this process would slow the
  // health polls it times, and blame the server for it
  const forms = new Map<Buffer, ReturnType<typeof multipartNuGet58>>();
  const push = async (zip: Buffer) => {
    let form = forms.get(zip);
    if (!form) forms.set(zip, (form = multipartNuGet58(zip)));
    const res = await rawRequest(base, { method: "PUT", path: "/api/v2/package/", headers: { "Content-Type": form.contentType, "X-NuGet-ApiKey": apiKey }, body: form.body });
    return res.statusLine;
  };

  try {
    await waitFor(`${base}/api/health`, server);
    // warm-up, 1 s of each: the first requests run unoptimised code and load modules, and the
    // heap grows to its working size (a single push each left that growth to the first window)
    for (const { zip, reason } of attacks) {
      for (const until = Date.now() + 1000; Date.now() < until; ) {
        const line = await push(zip);
        if (line !== `HTTP/1.1 400 ${reason}`) throw new Error(`expected 400 ${reason}, got ${line}`);
      }
    }
    const until = Date.now() + 2000;
    await pollHealth(base, () => Date.now() < until);
    console.log(`production server on ${base} (pid ${server.pid}, ${processTree(server.pid!).length} processes), ${SECONDS} s per window\n`);

    const results = [];
    for (const attack of attacks) {
      // quiet and pushing windows alternate, so a busy neighbour on the shared cores weighs on both alike
      const quiet: number[] = [];
      const during: number[] = [];
      const rssBefore = rssBytes(server.pid!);
      let peak = rssBefore;
      let pushes = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const quietUntil = Date.now() + (SECONDS * 1000) / ROUNDS;
        quiet.push(...(await pollHealth(base, () => Date.now() < quietUntil)));
        const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.pid!))), 100);
        let pushing = true;
        const polling = pollHealth(base, () => pushing);
        const pushesUntil = Date.now() + (SECONDS * 1000) / ROUNDS;
        try {
          while (Date.now() < pushesUntil) {
            const line = await push(attack.zip);
            if (line !== `HTTP/1.1 400 ${attack.reason}`) throw new Error(`${attack.name}: expected 400 ${attack.reason}, got ${line}`);
            pushes++;
          }
        } finally {
          pushing = false;
          clearInterval(sampler);
        }
        during.push(...(await polling));
      }
      const rssAfter = rssBytes(server.pid!);
      peak = Math.max(peak, rssAfter);
      const ratio = Math.max(...during) / Math.max(...quiet);
      const medianRatio = median(during) / median(quiet);
      const growth = peak - rssBefore;
      results.push({ ratio, medianRatio, growth });
      console.log(`${attack.name} (${attack.zip.length.toLocaleString()} bytes): ${pushes} pushes, each 400 "${attack.reason}"`);
      console.log(`  /api/health with no push: ${quiet.length} polls, median ${fmt(median(quiet))}, worst ${fmt(Math.max(...quiet))}`);
      console.log(`  /api/health during pushes: ${during.length} polls, median ${fmt(median(during))}, worst ${fmt(Math.max(...during))}`);
      console.log(`  => worst latency ratio ${ratio.toFixed(2)}x (target <= 2) ${ratio <= 2 ? "OK" : "ABOVE TARGET"}; median ratio ${medianRatio.toFixed(2)}x`);
      console.log(`  resident memory: ${mb(rssBefore)} before, peak ${mb(peak)}, ${mb(rssAfter)} after`);
      console.log(`  => growth ${mb(growth)} at the peak, ${mb(rssAfter - rssBefore)} after (target <= 50 MB) ${growth <= 50 * MB ? "OK" : "ABOVE TARGET"}\n`);
    }
    console.log(
      `ratios: worst /api/health latency ${results.map((r) => `${r.ratio.toFixed(2)}x`).join(", ")} | median ${results.map((r) => `${r.medianRatio.toFixed(2)}x`).join(", ")} | peak memory growth ${results.map((r) => mb(r.growth)).join(", ")}`,
    );
  } finally {
    stop();
  }
}

await main();
