// The push scan's worker thread (lib/leaks/scan-pool.ts starts it): each message is a package in
// shared memory; the answer is its keys. Bundled on its own into dist/scan-worker.mjs
// (scripts/build-server.mjs), next to dist/server.mjs.
import { parentPort } from "node:worker_threads";
import { findKeysInPackage } from "./find-keys";

export interface ScanJob {
  id: number;
  bytes: Uint8Array;
}

export type ScanResult = { id: number; found: { file: string; token: string }[] } | { id: number; error: string };

const port = parentPort;
if (port) {
  port.on("message", (job: ScanJob) => {
    findKeysInPackage(job.bytes, true).then(
      (found) => port.postMessage({ id: job.id, found } satisfies ScanResult),
      (e: unknown) => port.postMessage({ id: job.id, error: String(e) } satisfies ScanResult),
    );
  });
}
