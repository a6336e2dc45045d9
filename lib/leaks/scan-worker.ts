// The push scan's worker thread (lib/leaks/scan-pool.ts starts it): each message is some of a
// push's text entries, as places in shared memory (the push's body itself, which readBody keeps
// there, or a copy); the answer is the keys in them, by entry. Bundled on its own into
// dist/scan-worker.mjs (scripts/build-server.mjs), next to dist/server.mjs.
import { parentPort } from "node:worker_threads";
import { keysInEntry } from "./find-keys";

export interface ScanJob {
  id: number;
  /** where the entries' stored bytes are */
  memory: SharedArrayBuffer;
  /** per entry: where its stored bytes start in `memory`, their length, 1 if deflated (else 0), its declared size */
  entries: number[];
}

/** The keys found, as [entry index, key] pairs. */
export type ScanResult = { id: number; found: [number, string][] } | { id: number; error: string };

/** The numbers ScanJob.entries holds per entry (scan-pool.ts's ENTRY_FIELDS). */
const JOB_FIELDS = 4;

const port = parentPort;
if (port) {
  port.on("message", (job: ScanJob) => {
    try {
      const found: [number, string][] = [];
      for (let i = 0; i * JOB_FIELDS < job.entries.length; i++) {
        const [start, length, deflated, size] = job.entries.slice(i * JOB_FIELDS, (i + 1) * JOB_FIELDS);
        for (const key of keysInEntry(Buffer.from(job.memory, start, length), deflated === 1, size)) found.push([i, key]);
      }
      port.postMessage({ id: job.id, found } satisfies ScanResult);
    } catch (e) {
      port.postMessage({ id: job.id, error: String(e) } satisfies ScanResult);
    }
  });
}
