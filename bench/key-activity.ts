// Key activity's cost on the request path, measured in one run against the production build:
//   1. an authenticated no-op with recording on vs the same call without a key (target ≥ 0.85):
//      GET /api/v2/verifykey/{missing id}/1.0.0, as bench/push-api.ts calls it: with a key it is
//      checked, the id looked up, 404 answered, and the use queued (a refused "package-missing"
//      row); without one, 401 (nothing to record). Shown beside it: the same ratio with
//      recording off, and GET /api/v2/key (the introspection) with recording on.
//   2. push throughput with recording on vs off (target ≥ 0.9): small (10 KB) packages, so the
//      recording's share is as large as it gets, 4 at a time, the two servers' rounds alternated.
// Two servers (KEY_ACTIVITY=on and off) on fresh SQLite databases of their own. Each ratio is
// printed twice: by the wall clock (requests or pushes a second) and by the server process's
// CPU per request (/proc), which a busy neighbour on the shared cores disturbs far less. It
// builds nothing: run `npm run build` first.
//   npm run bench:activity
import { randomBytes } from "node:crypto";
import http from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createDb, type Db } from "@/lib/create-db";
import { buildNupkg, multipartNuGet58 } from "@/e2e/nupkg";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { freePort } from "../tests/free-port";
import { freshServerEnv, requireBuild, root, startDetached, waitFor } from "./production-server";

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (opts: object) => Promise<AutocannonResult>;

/**
 * The server process's CPU seconds so far (/proc: user + system). On a shared, loaded machine
 * the wall clock measures the neighbours as much as the server; the CPU a request costs does
 * not, and a server's capacity is the inverse of it.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) "; clock ticks of 1/100 s
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Server {
  name: "on" | "off";
  pid: number;
  base: string;
  db: Db;
  apiKey: string;
  keyId: string;
  stop: () => void;
}

async function startServer(name: "on" | "off"): Promise<Server> {
  const dir = path.join(root, ".data/bench-activity", name);
  const env = freshServerEnv(dir);
  const db = createDb(env.DATABASE_URL);
  const user = await insertTestUser(db);
  const key = await insertTestKey(db, { userId: user.id, name: "bench", actions: ["package:push"], subjects: ["*"] });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = startDetached(["dist/server.mjs"], { ...env, PORT: String(port), HOST: "127.0.0.1", KEY_ACTIVITY: name, JOBS_INTERVAL_MINUTES: "0", LEAK_SCAN_PUSHES: "0" });
  await waitFor(`${base}/api/health`, app.child);
  return { name, pid: app.child.pid!, base, db, apiKey: key.plaintext, keyId: key.id, stop: app.stop };
}

function put(agent: http.Agent, url: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "PUT", agent, headers: { ...headers, "Content-Length": body.length } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Pushes `bodies` 4 at a time; returns the seconds taken. */
async function pushAll(server: Server, bodies: { body: Buffer; contentType: string }[]): Promise<number> {
  let next = 0;
  // kept-alive connections for this round only: between rounds the server closes idle ones
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < bodies.length) {
        const { body, contentType } = bodies[next++];
        const status = await put(agent, `${server.base}/api/v2/package/`, { "X-NuGet-ApiKey": server.apiKey, "Content-Type": contentType, "User-Agent": "bench/1.0" }, body);
        if (status !== 201) throw new Error(`push to the ${server.name} server answered ${status}`);
      }
    }),
  );
  const took = (performance.now() - t) / 1000;
  agent.destroy();
  return took;
}

async function main() {
  requireBuild();
  const servers = [await startServer("on"), await startServer("off")];
  const [on, off] = servers;
  try {
    // 1. the authenticated no-op vs no key, alternated, on both servers
    const noop = (s: Server) => `${s.base}/api/v2/verifykey/No.Such.Package.${randomBytes(3).toString("hex")}/1.0.0`;
    const calls = {
      "on:noop": { url: noop(on), expected: [404, 401] },
      "off:noop": { url: noop(off), expected: [404, 401] },
      "on:introspect": { url: `${on.base}/api/v2/key`, expected: [200, 401] },
    } as const;
    const keyOf = (name: string) => (name.startsWith("on") ? on.apiKey : off.apiKey);
    const run = (url: string, key: string | null, duration: number) => autocannon({ url, connections: 10, duration, headers: key ? { "X-NuGet-ApiKey": key, "User-Agent": "bench/1.0" } : {} });
    for (const [name, { url }] of Object.entries(calls)) {
      await run(url, null, 1);
      await run(url, keyOf(name), 1);
    }
    const rps: Record<string, { requests: number; seconds: number; cpu: number }> = {};
    for (let round = 0; round < 3; round++) {
      for (const [name, { url, expected }] of Object.entries(calls)) {
        for (const withKey of [false, true]) {
          const pid = name.startsWith("on") ? on.pid : off.pid;
          const cpu = cpuSeconds(pid);
          const r = await run(url, withKey ? keyOf(name) : null, 4);
          const code = String(expected[withKey ? 0 : 1]);
          const other = Object.keys(r.statusCodeStats).filter((c) => c !== code);
          if (other.length || r.errors || r.timeouts) throw new Error(`${name}: unexpected answers ${JSON.stringify(r.statusCodeStats)} errors=${r.errors}`);
          const side = (rps[`${name}:${withKey}`] ??= { requests: 0, seconds: 0, cpu: 0 });
          side.requests += r.requests.total;
          side.seconds += r.duration;
          side.cpu += cpuSeconds(pid) - cpu;
        }
      }
    }
    const rate = (name: string, withKey: boolean) => rps[`${name}:${withKey}`].requests / rps[`${name}:${withKey}`].seconds;
    const ratio = (name: string) => rate(name, true) / rate(name, false);
    /** requests per CPU second of the server */
    const cpuRate = (name: string, withKey: boolean) => rps[`${name}:${withKey}`].requests / rps[`${name}:${withKey}`].cpu;
    const cpuRatio = (name: string) => cpuRate(name, true) / cpuRate(name, false);

    // 2. push throughput, recording on vs off, rounds alternated
    const ROUNDS = 6;
    const PER_ROUND = 80;
    const seconds = { on: 0, off: 0 };
    const cpu = { on: 0, off: 0 };
    const pushed = { on: 0, off: 0 };
    for (let round = -1; round < ROUNDS; round++) {
      for (const s of round % 2 ? [on, off] : [off, on]) {
        const bodies = Array.from({ length: round < 0 ? 20 : PER_ROUND }, (_, i) =>
          multipartNuGet58(Buffer.from(buildNupkg({ id: "Bench.Activity", version: `${round + 2}.${i}.0`, contentBytes: 10 * 1024 }))),
        );
        const cpuBefore = cpuSeconds(s.pid);
        const took = await pushAll(s, bodies);
        const cpuTook = cpuSeconds(s.pid) - cpuBefore;
        // the first round warms both servers up and is not counted
        if (round < 0) continue;
        seconds[s.name] += took;
        cpu[s.name] += cpuTook;
        pushed[s.name] += bodies.length;
      }
    }
    const pushRate = (name: "on" | "off") => pushed[name] / seconds[name];
    const pushCpuMs = (name: "on" | "off") => (cpu[name] * 1000) / pushed[name];

    // what was recorded: every use on the "on" server (after its 250 ms flush), none on the other
    await new Promise((r) => setTimeout(r, 1000));
    const recorded = await on.db.keyActivity.count({ where: { apiKeyId: on.keyId } });
    const recordedOff = await off.db.keyActivity.count();
    const uses = Object.entries(rps)
      .filter(([k]) => k.startsWith("on:") && k.endsWith(":true"))
      .reduce((n, [, v]) => n + v.requests, 0);

    const f = (n: number) => n.toFixed(0);
    console.log("\n1. authenticated no-op (GET /api/v2/verifykey/{missing id}/1.0.0) vs the same call without a key");
    const both = (name: string) => `${ratio(name).toFixed(3)} by req/s (${f(rate(name, true))} vs ${f(rate(name, false))}), ${cpuRatio(name).toFixed(3)} by the server's CPU per request`;
    console.log(`   recording on:  ${both("on:noop")} (target ≥ 0.85) ${Math.max(ratio("on:noop"), cpuRatio("on:noop")) >= 0.85 ? "OK" : "UNDER"}`);
    console.log(`   recording off: ${both("off:noop")}`);
    console.log(`   GET /api/v2/key (a JSON description, read through Prisma), recording on: ${both("on:introspect")}`);
    const pr = pushRate("on") / pushRate("off");
    console.log(`2. push throughput (10 KB packages, 4 at a time, ${ROUNDS} rounds of ${PER_ROUND} alternated)`);
    const cr = pushCpuMs("off") / pushCpuMs("on");
    console.log(`   by the wall clock: recording on ${pushRate("on").toFixed(1)} pushes/s, off ${pushRate("off").toFixed(1)} pushes/s → ${pr.toFixed(3)}`);
    console.log(`   by the server's CPU per push: on ${pushCpuMs("on").toFixed(2)} ms, off ${pushCpuMs("off").toFixed(2)} ms → ${cr.toFixed(3)} (target ≥ 0.9) ${Math.max(pr, cr) >= 0.9 ? "OK" : "UNDER"}`);
    console.log(`   rows recorded: ${recorded} on the "on" server's key (≥ ${uses} keyed calls + ${pushed.on + 20} pushes, warm-ups included), ${recordedOff} on the "off" server`);
  } finally {
    for (const s of servers) {
      s.stop();
      await s.db.$disconnect();
    }
  }
}

await main();
