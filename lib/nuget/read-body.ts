// Reads a request body as a stream (HTTP/1.0 with Content-Length and chunked without it alike),
// enforcing a size limit on the bytes actually read and a pace: a body that stops arriving, or
// arrives slower than a minimum rate, is given up (UploadTooSlow), so a client that trickles
// bytes cannot hold a push slot or a socket for long. Pure: any async iterable of chunks
// (Node's IncomingMessage in server/main.ts, a web ReadableStream in tests).
import { env } from "@/lib/env";

export function maxPackageBytes(): number {
  return env().MAX_PACKAGE_BYTES;
}

/** How fast a body must arrive. */
export interface UploadPace {
  /** no byte for this long: given up */
  idleMs: number;
  /** from `graceMs` on, the average rate since the start must be at least this */
  minBytesPerSecond: number;
  graceMs: number;
}

/** How long a body may take before its average rate counts (shorter when the idle timeout is). */
const GRACE_MS = 10_000;

export function uploadPace(): UploadPace {
  const { PUSH_IDLE_TIMEOUT_SECONDS: idle, PUSH_MIN_BYTES_PER_SECOND: rate } = env();
  return { idleMs: idle * 1000, minBytesPerSecond: rate, graceMs: Math.min(GRACE_MS, idle * 1000) };
}

/** The body stopped arriving (`idle`) or came slower than the minimum rate (`slow`). */
export class UploadTooSlow extends Error {
  constructor(
    readonly why: "idle" | "slow",
    readonly pace: UploadPace,
  ) {
    super(why === "idle" ? `no data for ${pace.idleMs / 1000} s` : `slower than ${pace.minBytesPerSecond} bytes/s`);
  }

  /** What the sender is told (a push's 408 reason, an upload's error). */
  get reason(): string {
    return this.why === "idle"
      ? `The upload stopped: no data arrived for ${this.pace.idleMs / 1000} seconds.`
      : `The upload was too slow: under ${Math.round(this.pace.minBytesPerSecond / 1024)} KB a second.`;
  }
}

/**
 * The body's chunks, watched by one timer (checked every second, never per chunk): throws
 * UploadTooSlow when the pace is not kept. The stream is then left as it is, not destroyed, so
 * the caller can still answer (408) before closing the connection. Leaving the loop early for
 * any other reason destroys the stream, as a plain for-await does.
 */
export async function* paced(body: AsyncIterable<Uint8Array>, pace: UploadPace): AsyncGenerator<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  const start = Date.now();
  let last = start;
  let bytes = 0;
  let timedOut: UploadTooSlow | null = null;
  let giveUp!: (e: UploadTooSlow) => void;
  const stalled = new Promise<never>((_, reject) => (giveUp = reject));
  stalled.catch(() => {}); // raced below; never unhandled
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const now = Date.now();
    const elapsed = now - start;
    if (now - last >= pace.idleMs) timedOut = new UploadTooSlow("idle", pace);
    else if (elapsed >= pace.graceMs && (bytes * 1000) / elapsed < pace.minBytesPerSecond) timedOut = new UploadTooSlow("slow", pace);
    if (timedOut) giveUp(timedOut);
    else arm();
  };
  const arm = () => {
    timer = setTimeout(check, Math.min(1000, pace.idleMs));
    timer.unref();
  };
  arm();
  try {
    for (;;) {
      const next = await Promise.race([chunks.next(), stalled]);
      if (next.done) return;
      bytes += next.value.byteLength;
      last = Date.now();
      yield next.value;
    }
  } finally {
    clearTimeout(timer);
    if (!timedOut) await chunks.return?.();
  }
}

export type BodyResult = { ok: true; bytes: Buffer; release: () => void } | { ok: false; tooLarge: true; readBytes: number };

/** Past this much beyond the limit we stop draining and answer anyway: draining must not be a free sink. */
function drainCap(limit: number): number {
  return limit * 2 + 16 * 1024 * 1024;
}

// Bodies are read into reused buffers. A fresh buffer per push (1 MB for a 1 MB package, on top
// of the socket's own reads) made V8 mark the whole server heap every few pushes, for external
// memory pressure, which cost more than the push's own parsing (bench/push-api.ts). Spares of up
// to SPARE_MAX_BYTES are kept, at most SPARE_COUNT of them and SPARE_TOTAL_BYTES in all; larger
// or surplus ones are left to the GC. 32 MB, not 8: a 10 MB push's fresh buffer cost a quarter
// of its CPU time in garbage collection on V8's threads (bench/leaks.ts's pushes: 84-96 ms of
// CPU per push with 8 MB, 71 ms with 32 MB). They are shared memory (SharedArrayBuffer), so the
// push scan's workers read a body's text entries where they arrive (lib/leaks/scan-pool.ts);
// copying them out for the workers cost the push more than the copy itself (the copies' memory
// to collect). Node's own APIs take such a buffer (fs, crypto, zlib, TextDecoder), but a web
// Response or crypto.subtle refuse one: copy the bytes first.
const SPARE_MAX_BYTES = 32 * 1024 * 1024;
const SPARE_TOTAL_BYTES = 64 * 1024 * 1024;
const SPARE_COUNT = 4;
const MIN_BUFFER_BYTES = 64 * 1024;
const spares: Buffer[] = [];

/** The smallest spare that fits, else a new buffer. */
function take(bytes: number): Buffer {
  let best = -1;
  spares.forEach((b, i) => {
    if (b.length >= bytes && (best === -1 || b.length < spares[best].length)) best = i;
  });
  if (best !== -1) return spares.splice(best, 1)[0];
  return Buffer.from(new SharedArrayBuffer(Math.max(bytes, MIN_BUFFER_BYTES)));
}

function giveBack(buffer: Buffer): void {
  const kept = spares.reduce((n, b) => n + b.length, 0);
  if (buffer.length <= SPARE_MAX_BYTES && spares.length < SPARE_COUNT && kept + buffer.length <= SPARE_TOTAL_BYTES) spares.push(buffer);
}

/**
 * The whole body, or tooLarge once it passes `limit`. The rest is still read and thrown away:
 * NuGet 2.8.7 shows "The socket has been shut down" instead of our reason if we answer a
 * large upload before reading it. The chunks are copied into one buffer as they come, sized by
 * `expectedBytes` (the Content-Length, if any) and grown when the body is longer (chunked
 * uploads announce no length). Call `release()` once the bytes are no longer used: the buffer
 * is then reused by a later body.
 */
export async function readBody(
  body: AsyncIterable<Uint8Array> | null,
  limit: number,
  expectedBytes = 0,
  pace = uploadPace(),
  /** told after each chunk what has arrived, bytes[0, length), while the body is kept (the push scan's head start) */
  watch?: (bytes: Buffer, length: number) => void,
): Promise<BodyResult> {
  let buffer: Buffer | null = take(expectedBytes > 0 && expectedBytes <= limit ? expectedBytes : MIN_BUFFER_BYTES);
  let total = 0;
  try {
    for await (const chunk of body ? paced(body, pace) : []) {
      const at = total;
      total += chunk.byteLength;
      if (total > limit) {
        // over the limit: keep draining, keep nothing
        if (buffer) giveBack(buffer);
        buffer = null;
      } else if (buffer) {
        if (total > buffer.length) {
          const bigger = take(Math.max(total, buffer.length * 2));
          buffer.copy(bigger, 0, 0, at);
          giveBack(buffer);
          buffer = bigger;
        }
        buffer.set(chunk, at);
        watch?.(buffer, total);
      }
      // leaving the loop cancels the stream
      if (total > drainCap(limit)) break;
    }
  } catch (e) {
    if (buffer) giveBack(buffer);
    throw e;
  }
  if (!buffer) return { ok: false, tooLarge: true, readBytes: total };
  const kept = buffer;
  let released = false;
  return {
    ok: true,
    bytes: kept.subarray(0, total),
    release: () => {
      if (!released) giveBack(kept);
      released = true;
    },
  };
}

/**
 * Reads and discards a body (answering a refused request only after the client has sent it
 * all). A body that stops arriving or trickles is given up: the answer goes out anyway.
 */
export async function drainBody(body: AsyncIterable<Uint8Array> | null, limit: number, pace = uploadPace()): Promise<void> {
  if (!body) return;
  try {
    let total = 0;
    for await (const chunk of paced(body, pace)) {
      total += chunk.byteLength;
      if (total > drainCap(limit)) return; // leaving the loop cancels the stream
    }
  } catch {
    // the client went away, or too slow: answer what there is to answer
  }
}
