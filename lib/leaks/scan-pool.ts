// The push scan off the event loop's thread: one worker (scan-worker.ts), started at the first
// push and reused, scans while this thread hashes and writes the package (the push awaits both,
// lib/nuget/push.ts). The package is copied once into shared memory (a 10 MB copy: a few ms)
// rather than transferred: the push still needs its bytes. Any failure (no worker file, the
// worker dies, errs or overruns its time) scans here instead: the scan is never skipped.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { logError } from "@/lib/log";
import { findKeysInPackage, type FoundKey } from "./find-keys";
import type { ScanJob, ScanResult } from "./scan-worker";

/** A scan the worker has not answered in this long is taken back (the worker is stopped). */
const WORKER_TIMEOUT_MS = 20_000;
/** After this many failures the worker is not started again (until a restart). */
const MAX_FAILURES = 3;
const WORKER_FILE = "scan-worker.mjs";

interface Pending {
  resolve: (found: FoundKey[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

let workerFile: string | null | undefined;
let timeoutMs = WORKER_TIMEOUT_MS;
let worker: Worker | null = null;
let failures = 0;
let nextId = 0;
const pending = new Map<number, Pending>();

/** The bundled worker beside the bundled server (dist/), or none (vitest, tsx): then scans run here. */
function defaultWorkerFile(): string | null {
  try {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), WORKER_FILE);
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/** Tests: the worker file to use (null: none), and its time limit. */
export function setScanWorkerFile(file: string | null, limitMs = WORKER_TIMEOUT_MS): void {
  workerFile = file;
  timeoutMs = limitMs;
  failures = 0;
  void stopScanWorker();
}

export async function stopScanWorker(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}

function fail(w: Worker, why: Error): void {
  if (worker !== w) return;
  worker = null;
  failures++;
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    pending.delete(id);
    p.reject(why);
  }
  void w.terminate();
}

function scanWorker(): Worker | null {
  if (worker) return worker;
  if (workerFile === undefined) workerFile = defaultWorkerFile();
  if (!workerFile || failures >= MAX_FAILURES) return null;
  let w: Worker;
  try {
    w = new Worker(workerFile, { name: "leak-scan" });
  } catch (e) {
    failures++;
    logError("push scan: the worker could not start", e);
    return null;
  }
  w.unref();
  w.on("message", (m: ScanResult) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (pending.size === 0) w.unref();
    if ("error" in m) p.reject(new Error(m.error));
    else p.resolve(m.found);
  });
  w.on("error", (e) => fail(w, e));
  w.on("exit", (code) => fail(w, new Error(`the scan worker exited (${code})`)));
  worker = w;
  return w;
}

function inWorker(w: Worker, nupkg: Uint8Array): Promise<FoundKey[]> {
  const bytes = new Uint8Array(new SharedArrayBuffer(nupkg.byteLength));
  bytes.set(nupkg);
  const id = nextId++;
  return new Promise<FoundKey[]>((resolve, reject) => {
    const timer = setTimeout(() => fail(w, new Error(`the scan worker took over ${timeoutMs} ms`)), timeoutMs);
    pending.set(id, { resolve, reject, timer });
    w.ref();
    w.postMessage({ id, bytes } satisfies ScanJob);
  });
}

/** findKeysInPackage on the worker thread; on this one if there is none or it fails. */
export async function findKeysOffThread(nupkg: Uint8Array): Promise<FoundKey[]> {
  const w = scanWorker();
  if (w) {
    try {
      return await inWorker(w, nupkg);
    } catch (e) {
      logError("push scan: the worker failed, scanning on the main thread", e);
    }
  }
  return findKeysInPackage(nupkg);
}
