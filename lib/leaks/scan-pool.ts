// The push scan off the event loop's thread: one or two workers (scan-worker.ts), started at the
// first push and reused. A push's text entries go to them while its body still arrives
// (BodyScan below, from their local headers: arriving-entries.ts), in batches taken in turn, so
// over a real network the scan is done about when the upload is (bench:leaks: +0-3% over
// 1 Gbit/s, where scanning after the upload cost more). What the central directory does not
// confirm is scanned once the body is in, split between the workers by bytes, while this thread
// reads the nuspec, checks ownership and hashes and writes the package (the push awaits both,
// lib/nuget/push.ts). The workers read a push's entries where they are: readBody keeps the body
// in shared memory (reused from push to push), so nothing is copied or transferred; only bytes
// elsewhere (tests) are copied into shared memory first. Any failure (no worker file, the worker
// dies, errs or overruns its time) scans here instead: the scan is never skipped.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { logError } from "@/lib/log";
import { ArrivingEntries, type ArrivedEntry } from "./arriving-entries";
import { firstFiles, keysInEntries, scannedEntries, type FoundKey, type ScanEntry } from "./find-keys";
import type { JobEntry, ScanJob, ScanResult } from "./scan-worker";

/** A scan the worker has not answered in this long is taken back (the worker is stopped). */
const WORKER_TIMEOUT_MS = 20_000;
/**
 * Workers per scan: two, and one on a machine of two cores. The inflating is the scan's cost, and
 * one worker took as long as the whole push on a package of 10 MB of text (bench:leaks, worst
 * case), so two halve its wait; but the push's own thread needs a core too (the body, the hash,
 * the nuspec, the database): on two cores a second worker only took CPU time from it (bench:leaks,
 * loopback, the typical package: +5-7% with one worker in most runs, +6-15% with two).
 */
const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism() - 1));
/** After this many failures no worker is started again (until a restart). */
const MAX_FAILURES = 3;
const WORKER_FILE = "scan-worker.mjs";

interface Pending {
  resolve: (found: [number, string][]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  worker: Worker;
}

let workerFile: string | null | undefined;
let timeoutMs = WORKER_TIMEOUT_MS;
let poolSize = POOL_SIZE;
let workers: Worker[] = [];
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

/** Tests: the worker file to use (null: none), its time limit, and how many workers. */
export function setScanWorkerFile(file: string | null, limitMs = WORKER_TIMEOUT_MS, size = POOL_SIZE): void {
  workerFile = file;
  timeoutMs = limitMs;
  poolSize = size;
  failures = 0;
  void stopScanWorker();
}

export async function stopScanWorker(): Promise<void> {
  const stopping = workers;
  workers = [];
  await Promise.all(stopping.map((w) => w.terminate()));
}

function fail(w: Worker, why: Error): void {
  if (!workers.includes(w)) return;
  workers = workers.filter((x) => x !== w);
  failures++;
  for (const [id, p] of pending) {
    if (p.worker !== w) continue;
    clearTimeout(p.timer);
    pending.delete(id);
    p.reject(why);
  }
  void w.terminate();
}

/** The pool's workers, those missing started now; none if there is no worker file or too many failed. */
function scanWorkers(): Worker[] {
  if (workers.length >= poolSize) return workers;
  if (workerFile === undefined) workerFile = defaultWorkerFile();
  if (!workerFile || failures >= MAX_FAILURES) return workers;
  while (workers.length < poolSize) {
    const w = startWorker(workerFile);
    if (!w) break;
    workers.push(w);
  }
  return workers;
}

function startWorker(file: string): Worker | null {
  let w: Worker;
  try {
    w = new Worker(file, { name: "leak-scan" });
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
    if (![...pending.values()].some((other) => other.worker === w)) w.unref();
    if ("error" in m) p.reject(new Error(m.error));
    else p.resolve(m.found);
  });
  w.on("error", (e) => fail(w, e));
  w.on("exit", (code) => fail(w, new Error(`the scan worker exited (${code})`)));
  return w;
}

/** A job for `w`: entries in `memory`; its answer, keys by entry. */
function post(w: Worker, memory: SharedArrayBuffer, table: JobEntry[]): Promise<[number, string][]> {
  const id = nextId++;
  return new Promise<[number, string][]>((resolve, reject) => {
    const timer = setTimeout(() => fail(w, new Error(`the scan worker took over ${timeoutMs} ms`)), timeoutMs);
    pending.set(id, { resolve, reject, timer, worker: w });
    w.ref();
    w.postMessage({ id, memory, entries: table } satisfies ScanJob);
  });
}

/** Whether `w` has no job in flight (any push's). */
function idle(w: Worker): boolean {
  for (const p of pending.values()) if (p.worker === w) return false;
  return true;
}

/** One entry of a job, starting at `start` in the job's memory. */
function jobEntry(start: number, e: { stored: Uint8Array; deflated: boolean; size: number }): JobEntry {
  return [start, e.stored.byteLength, e.deflated ? 1 : 0, e.size];
}

/**
 * The entries where the workers can read them: in place when they all lie in one shared memory
 * (a push's body: readBody keeps it there), else copied into a new shared buffer.
 */
function inSharedMemory(entries: ScanEntry[], total: number): { memory: SharedArrayBuffer; starts: number[] } {
  const first = entries[0].stored.buffer;
  if (first instanceof SharedArrayBuffer && entries.every((e) => e.stored.buffer === first)) {
    return { memory: first, starts: entries.map((e) => e.stored.byteOffset) };
  }
  const memory = new SharedArrayBuffer(total);
  const bytes = new Uint8Array(memory);
  const starts: number[] = [];
  let at = 0;
  for (const e of entries) {
    bytes.set(e.stored, at);
    starts.push(at);
    at += e.stored.byteLength;
  }
  return { memory, starts };
}

/** The entries split in turn between `pool`, about the same stored bytes to each; keys by entry. */
async function inWorkers(pool: Worker[], entries: ScanEntry[]): Promise<string[][]> {
  let total = 0;
  for (const e of entries) total += e.stored.byteLength;
  const { memory, starts } = inSharedMemory(entries, total);
  const share = total / pool.length;
  const jobs: Promise<[number, string][]>[] = [];
  let bytes = 0;
  let first = 0;
  let table: JobEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    table.push(jobEntry(starts[i], entries[i]));
    bytes += entries[i].stored.byteLength;
    const last = i === entries.length - 1;
    if (last || (bytes >= share * (jobs.length + 1) && jobs.length < pool.length - 1)) {
      const from = first;
      jobs.push(post(pool[jobs.length], memory, table).then((found) => found.map(([j, key]): [number, string] => [from + j, key])));
      first = i + 1;
      table = [];
    }
  }
  const found = (await Promise.all(jobs)).flat();
  const keys: string[][] = entries.map(() => []);
  for (const [i, key] of found) keys[i]?.push(key);
  return keys;
}

/** The keys of `entries` on the workers, or on this thread if there are none or they fail. */
async function keysOf(entries: ScanEntry[]): Promise<string[][]> {
  const pool = scanWorkers();
  if (pool.length > 0) {
    try {
      return await inWorkers([...pool], entries);
    } catch (e) {
      logError("push scan: the worker failed, scanning on the main thread", e);
    }
  }
  return keysInEntries(entries);
}

/** The keys in a package's text entries (find-keys.ts), found on the worker thread; on this one if there is none or it fails. */
export async function findKeysOffThread(nupkg: Uint8Array): Promise<FoundKey[]> {
  const entries = await scannedEntries(nupkg);
  if (entries.length === 0) return [];
  return firstFiles(entries, await keysOf(entries));
}

/** Text entries gathered while the body arrives go to an idle worker once they hold this many stored bytes. */
const BATCH_BYTES = 256 * 1024;

interface Guess {
  deflated: boolean;
  length: number;
  size: number;
  keys: Promise<string[]>;
}

/**
 * A push's scan begun while its body arrives (arriving-entries.ts). The workers read the text
 * entries where they arrive, in the body's shared memory (readBody's): nothing is copied. A
 * batch goes to a worker with nothing to do once it holds BATCH_BYTES; while all are busy it
 * grows, so a body that arrives faster than they inflate (loopback) costs a few messages,
 * not one per 256 kB. `finish` sends what is left, takes the guesses the central directory
 * confirms and scans the rest. A body that moves to a larger buffer while arriving (no
 * Content-Length) voids every guess: its old buffer may be reused by another push while a worker
 * reads it. Without workers there is no head start (newBodyScan answers null): the main thread
 * is busy reading the body.
 */
export class BodyScan {
  private readonly entries = new ArrivingEntries();
  private readonly guesses = new Map<number, Guess>();
  /** the body's memory, from its first chunk on */
  private memory: SharedArrayBuffer | null = null;
  private moved = false;
  private batch: { table: JobEntry[]; items: ArrivedEntry[]; bytes: number } = { table: [], items: [], bytes: 0 };
  private turn = 0;
  /** How many of the last finish's entries took their guess (tests, bench:leaks). */
  guessed = 0;

  /** body[0, length) has arrived. */
  arrived(body: Buffer, length: number): void {
    if (this.memory === null && body.buffer instanceof SharedArrayBuffer) this.memory = body.buffer;
    if (body.buffer !== this.memory) {
      this.moved = this.memory !== null;
      this.abandon();
      return;
    }
    for (const entry of this.entries.next(body, length)) {
      this.batch.table.push(jobEntry(entry.stored.byteOffset, entry));
      this.batch.items.push(entry);
      this.batch.bytes += entry.stored.byteLength;
    }
    this.send(false);
  }

  /** The batch to a worker: to an idle one once it holds BATCH_BYTES, or (`now`) to any. Its entries' keys are guesses by offset. */
  private send(now: boolean): void {
    const { batch, memory } = this;
    if (batch.items.length === 0 || !memory) return;
    const pool = scanWorkers();
    if (pool.length === 0) return this.abandon();
    const worker = now ? (pool.find(idle) ?? pool[this.turn++ % pool.length]) : batch.bytes >= BATCH_BYTES ? pool.find(idle) : undefined;
    if (!worker) return;
    this.batch = { table: [], items: [], bytes: 0 };
    const job = post(worker, memory, batch.table);
    // what arrived meanwhile goes to the worker now free
    job.then(() => this.send(false), () => {});
    batch.items.forEach((item, i) => {
      const keys = job.then((found) => found.filter(([j]) => j === i).map(([, key]) => key));
      keys.catch(() => {}); // a guess nobody asks for (an abandoned push) fails quietly; finish rescans one that failed
      this.guesses.set(item.offset, { deflated: item.deflated, length: item.stored.byteLength, size: item.size, keys });
    });
  }

  /** The push ended before its package was scanned: nothing more is sent. */
  abandon(): void {
    this.entries.stop();
    this.batch = { table: [], items: [], bytes: 0 };
  }

  /**
   * The keys in `nupkg` (a view of `body`, where the multipart part put it): each text entry
   * the central directory lists takes its guess when the guess read the same bytes the same
   * way (same local header, method and sizes); the others are scanned now, as findKeysOffThread would.
   */
  async finish(nupkg: Uint8Array, body: Uint8Array): Promise<FoundKey[]> {
    this.send(true);
    this.abandon();
    const entries = await scannedEntries(nupkg);
    if (entries.length === 0) return [];
    const placed = !this.moved && nupkg.buffer === body.buffer && nupkg.byteOffset - body.byteOffset === this.entries.packageStart;
    const guessed = entries.map((e) => {
      const guess = placed ? this.guesses.get(e.offset) : undefined;
      return guess && guess.deflated === e.deflated && guess.length === e.stored.byteLength && guess.size === e.size ? guess.keys : null;
    });
    const rest = entries.filter((_, i) => !guessed[i]);
    this.guessed = entries.length - rest.length;
    const restKeys = rest.length > 0 ? await keysOf(rest) : [];
    let r = 0;
    let failed: unknown = null;
    const keys = await Promise.all(
      entries.map((entry, i) => {
        const guess = guessed[i];
        if (!guess) return restKeys[r++];
        return guess.catch(async (e: unknown) => {
          failed ??= e;
          return (await keysInEntries([entry]))[0];
        });
      }),
    );
    if (failed) logError("push scan: the worker failed, scanning on the main thread", failed);
    return firstFiles(entries, keys);
  }
}

/** A BodyScan for a push about to read its body, or null when there are no workers to give a head start to. */
export function newBodyScan(): BodyScan | null {
  return scanWorkers().length > 0 ? new BodyScan() : null;
}
