// CPU cost of our API key check against nuget.org's (PBKDF2-HMAC-SHA256, 10,000 iterations,
// 16-byte salt, 32-byte output: ApiKeyV4 / V3Hasher). Ours is parseKey (shape + checksum) then
// SHA-256 of the secret and a constant-time compare (secretMatches). Both are timed on CPU
// time (process.cpuUsage), so a busy neighbour on the shared cores skews the ratio less.
//   npx tsx bench/key-check.ts      (also run as part of bench/push-api.ts)
import { pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";
import { generateKey, parseKey, secretMatches } from "@/lib/api-keys/key-material";

export interface KeyCheckResult {
  oursMicros: number;
  pbkdf2Micros: number;
  /** how many of our checks cost as much CPU as one PBKDF2 check */
  ratio: number;
}

function cpuMicrosPerOp(fn: () => boolean, minCpuMs: number): number {
  for (let i = 0; i < 20; i++) if (!fn()) throw new Error("check failed during warm-up");
  let ops = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < minCpuMs * 1000) {
    for (let i = 0; i < 100; i++) if (!fn()) throw new Error("check failed");
    ops += 100;
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  return used / ops;
}

export function measureKeyCheck(minCpuMs = 1500): KeyCheckResult {
  const key = generateKey();
  const ours = cpuMicrosPerOp(() => {
    const parsed = parseKey(key.plaintext);
    return parsed !== null && secretMatches(parsed, key.secretHash);
  }, minCpuMs);

  // nuget.org's V4: lower-case the input, PBKDF2 over the secret part (after the 20-char id
  // part) with the key's 16-byte salt, constant-time compare with the stored 32 bytes
  const salt = randomBytes(16);
  const stored = pbkdf2Sync(key.plaintext.slice(20), salt, 10_000, 32, "sha256");
  const slow = (() => {
    // fewer iterations of the outer loop: each op is milliseconds
    const start = process.cpuUsage();
    let ops = 0;
    let used = 0;
    while (used < minCpuMs * 1000 || ops < 20) {
      const ok = timingSafeEqual(pbkdf2Sync(key.plaintext.toLowerCase().slice(20), salt, 10_000, 32, "sha256"), stored);
      if (!ok) throw new Error("pbkdf2 check failed");
      ops++;
      const d = process.cpuUsage(start);
      used = d.user + d.system;
    }
    return used / ops;
  })();
  return { oursMicros: ours, pbkdf2Micros: slow, ratio: slow / ours };
}

export function printKeyCheck(r: KeyCheckResult) {
  console.log(`key check, CPU time per check:`);
  console.log(`  ours (parseKey + SHA-256 + timingSafeEqual): ${r.oursMicros.toFixed(2)} µs`);
  console.log(`  nuget.org's PBKDF2-HMAC-SHA256 x10,000:      ${(r.pbkdf2Micros / 1000).toFixed(2)} ms`);
  console.log(`  => ours is ${Math.round(r.ratio).toLocaleString("en-US")}x cheaper (target >= 1000x) ${r.ratio >= 1000 ? "OK" : "BELOW TARGET"}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) printKeyCheck(measureKeyCheck());
