// The push scan's worker thread (lib/leaks/scan-pool.ts starts it): each message is some of a
// push's text entries, as places in shared memory (the push's body itself, which readBody keeps
// there, or a copy); the answer is the keys in them, by entry. Bundled on its own into
// dist/scan-worker.mjs (scripts/build-server.mjs), next to dist/server.mjs.
import { parentPort } from "node:worker_threads";
import { keysInEntry } from "./find-keys";

/** An entry of a job: where its stored bytes start in the job's memory, their length, 1 if deflated (else 0), its declared size. */
export type JobEntry = [start: number, length: number, deflated: 0 | 1, size: number];

export interface ScanJob {
  id: number;
  /** where the entries' stored bytes are */
  memory: SharedArrayBuffer;
  entries: JobEntry[];
}

/** The keys found, as [entry index, key] pairs. */
export type ScanResult = { id: number; found: [number, string][] } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on("message", (job: ScanJob) => {
    try {
      const found: [number, string][] = [];
      job.entries.forEach(([start, length, deflated, size], i) => {
        for (const key of keysInEntry(Buffer.from(job.memory, start, length), deflated === 1, size)) found.push([i, key]);
      });
      port.postMessage({ id: job.id, found } satisfies ScanResult);
    } catch (e) {
      port.postMessage({ id: job.id, error: String(e) } satisfies ScanResult);
    }
  });
}
