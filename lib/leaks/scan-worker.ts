// The push scan's worker thread (lib/leaks/scan-pool.ts starts it): each message is a push's
// text entries, their stored bytes packed one after another in shared memory; the answer is
// the keys in them, by entry. Bundled on its own into dist/scan-worker.mjs
// (scripts/build-server.mjs), next to dist/server.mjs.
import { parentPort } from "node:worker_threads";
import { keysInEntry } from "./find-keys";

export interface ScanJob {
  id: number;
  /** the entries' stored bytes, one after another */
  bytes: Uint8Array;
  /** per entry: its length in `bytes`, 1 if deflated (else 0), its declared size */
  entries: number[];
}

/** The keys found, as [entry index, key] pairs. */
export type ScanResult = { id: number; found: [number, string][] } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on("message", (job: ScanJob) => {
    try {
      const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
      const found: [number, string][] = [];
      for (let i = 0, at = 0; i * 3 < job.entries.length; i++) {
        const [length, deflated, size] = job.entries.slice(i * 3, i * 3 + 3);
        for (const key of keysInEntry(bytes.subarray(at, at + length), deflated === 1, size)) found.push([i, key]);
        at += length;
      }
      port.postMessage({ id: job.id, found } satisfies ScanResult);
    } catch (e) {
      port.postMessage({ id: job.id, error: String(e) } satisfies ScanResult);
    }
  });
}
