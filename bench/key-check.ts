// CPU cost of our API key check against nuget.org's (PBKDF2-HMAC-SHA256, 10,000 iterations,
// 16-byte salt, 32-byte output: ApiKeyV4 / V3Hasher). Ours is parseKey (shape + checksum) then
// SHA-256 of the secret and a constant-time compare (secretMatches). Both are timed on CPU
// time (process.cpuUsage), in alternating rounds, so a busy neighbour on the shared cores skews
// the ratio less.
// Measured 2026-11-26: decoding both hashes to Buffers for crypto.timingSafeEqual cost 0.75 µs,
// a third of the whole key check, so hexHashesEqual compares them as text.
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

/** Runs `fn` in batches until it has used `cpuMs` of CPU; adds the CPU time and calls to `into`. */
function spend(fn: () => boolean, cpuMs: number, batch: number, into: { micros: number; ops: number }): void {
  const start = process.cpuUsage();
  let used = 0;
  let ops = 0;
  while (used < cpuMs * 1000) {
    // reading the clock costs about as much as our check: once per batch
    for (let i = 0; i < batch; i++) if (!fn()) throw new Error("check failed");
    ops += batch;
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  into.micros += used;
  into.ops += ops;
}

/**
 * Both checks are timed in alternating rounds, so a neighbour that slows the shared cores for a
 * while slows both alike (timed one after the other, the ratio swung from 860x to 1,350x
 * between runs on a busy machine).
 */
export function measureKeyCheck(cpuMs = 1500, rounds = 6): KeyCheckResult {
  const key = generateKey();
  const oursCheck = () => {
    const parsed = parseKey(key.plaintext);
    return parsed !== null && secretMatches(parsed, key.secretHash);
  };

  // nuget.org's V4: lower-case the input, PBKDF2 over the secret part (after the 20-char id
  // part) with the key's 16-byte salt, constant-time compare with the stored 32 bytes
  const salt = randomBytes(16);
  const stored = pbkdf2Sync(key.plaintext.slice(20), salt, 10_000, 32, "sha256");
  const pbkdf2Check = () => timingSafeEqual(pbkdf2Sync(key.plaintext.toLowerCase().slice(20), salt, 10_000, 32, "sha256"), stored);

  for (let i = 0; i < 1000; i++) if (!oursCheck()) throw new Error("check failed during warm-up");
  if (!pbkdf2Check()) throw new Error("pbkdf2 check failed during warm-up");
  const ours = { micros: 0, ops: 0 };
  const slow = { micros: 0, ops: 0 };
  for (let r = 0; r < rounds; r++) {
    spend(oursCheck, cpuMs / rounds, 100, ours);
    spend(pbkdf2Check, cpuMs / rounds, 1, slow);
  }
  const oursMicros = ours.micros / ours.ops;
  const pbkdf2Micros = slow.micros / slow.ops;
  return { oursMicros, pbkdf2Micros, ratio: pbkdf2Micros / oursMicros };
}

export function printKeyCheck(r: KeyCheckResult) {
  console.log(`key check, CPU time per check:`);
  console.log(`  ours (parseKey + SHA-256 + constant-time compare): ${r.oursMicros.toFixed(2)} µs`);
  console.log(`  nuget.org's PBKDF2-HMAC-SHA256 x10,000:            ${(r.pbkdf2Micros / 1000).toFixed(2)} ms`);
  console.log(`  => ours is ${Math.round(r.ratio).toLocaleString("en-US")}x cheaper (target >= 1000x) ${r.ratio >= 1000 ? "OK" : "BELOW TARGET"}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) printKeyCheck(measureKeyCheck());
