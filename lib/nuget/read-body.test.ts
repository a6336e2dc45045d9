import { describe, expect, it } from "vitest";
import { drainBody, readBody, UploadTooSlow } from "./read-body";

function stream(chunks: number[], onPull?: () => void): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      onPull?.();
      if (i < chunks.length) c.enqueue(new Uint8Array(chunks[i++]).fill(7));
      else c.close();
    },
  });
}

describe("readBody", () => {
  it("returns the whole body within the limit, in shared memory (the push scan's workers read it there)", async () => {
    const r = await readBody(stream([3, 4]), 7);
    expect(r.ok && r.bytes.length).toBe(7);
    expect(r.ok && r.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
  it("answers tooLarge only after draining the rest", async () => {
    let pulls = 0;
    const r = await readBody(stream([5, 5, 5, 5], () => pulls++), 7);
    expect(r).toEqual({ ok: false, tooLarge: true, readBytes: 20 });
    expect(pulls).toBe(5); // every chunk read, then the end
  });
  it("stops draining far past the limit", async () => {
    const r = await readBody(stream(Array(100).fill(1024 * 1024)), 1);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.readBytes).toBeLessThan(20 * 1024 * 1024);
  });
  it("reads into one buffer when the length is announced, and right when it is not the real length", async () => {
    const bytes = (chunks: number[]) => Buffer.concat(chunks.map((n, i) => Buffer.alloc(n, i + 1)));
    for (const [chunks, announced] of [
      [[3, 4], 7],
      [[3, 4], 5],
      [[3, 4], 100],
      [[3, 4], 1000], // over the limit: not allocated
    ] as const) {
      let i = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (i < chunks.length) c.enqueue(new Uint8Array(chunks[i]).fill(++i));
          else c.close();
        },
      });
      const r = await readBody(body, 500, announced);
      expect(r.ok && Buffer.compare(r.bytes, bytes([...chunks]))).toBe(0);
    }
    const over = await readBody(stream([5, 5]), 7, 6);
    expect(over).toEqual({ ok: false, tooLarge: true, readBytes: 10 });
  });
  it("grows its buffer for a chunked body, and a released buffer serves the next body whole", async () => {
    const chunks = (seed: number, sizes: number[]) => sizes.map((n, i) => Buffer.alloc(n, (seed + i) % 256));
    const iterate = async function* (parts: Buffer[]) {
      yield* parts;
    };
    const first = chunks(1, Array(40).fill(10_000)); // 400 kB, no length announced: grows from 64 kB
    const a = await readBody(iterate(first), 1_000_000);
    if (!a.ok) throw new Error("refused");
    expect(Buffer.compare(a.bytes, Buffer.concat(first))).toBe(0);
    const aBuffer = a.bytes.buffer;
    a.release();
    a.release(); // twice is harmless
    const second = chunks(7, [300_000, 150_000]);
    const b = await readBody(iterate(second), 1_000_000, 450_000);
    if (!b.ok) throw new Error("refused");
    expect(b.bytes.buffer === aBuffer).toBe(true); // the same memory, reused (it grew to 512 kB)
    expect(Buffer.compare(b.bytes, Buffer.concat(second))).toBe(0);
    // while b holds it, a third body of the same size gets other memory
    const c = await readBody(iterate(chunks(3, [450_000])), 1_000_000, 450_000);
    expect(c.ok).toBe(true);
    expect(c.ok && c.bytes.buffer === aBuffer).toBe(false);
    expect(Buffer.compare(b.bytes, Buffer.concat(second))).toBe(0);
    b.release();
    if (c.ok) c.release();
  });
  it("tells a watcher what has arrived after each chunk, in the buffer it grows, while the body is kept", async () => {
    const parts = Array.from({ length: 30 }, (_, i) => Buffer.alloc(10_000, i + 1)); // grows from 64 kB
    const seen: number[] = [];
    const r = await readBody(
      (async function* () {
        yield* parts;
      })(),
      1_000_000,
      0,
      undefined,
      (bytes, length) => {
        // what has arrived is already in place, whichever buffer holds it now
        expect(Buffer.compare(bytes.subarray(0, length), Buffer.concat(parts).subarray(0, length))).toBe(0);
        seen.push(length);
      },
    );
    expect(r.ok).toBe(true);
    expect(seen).toEqual(parts.map((_, i) => (i + 1) * 10_000));
    // past the limit nothing is kept, and nothing more is told
    seen.length = 0;
    const over = await readBody(stream([5, 5, 5]), 7, 0, undefined, (_, length) => seen.push(length));
    expect(over.ok).toBe(false);
    expect(seen).toEqual([5]);
  });
  it("treats no body as empty", async () => {
    const r = await readBody(null, 10);
    expect(r.ok && r.bytes.length).toBe(0);
  });
  it("drainBody reads to the end", async () => {
    let pulls = 0;
    await drainBody(stream([1, 2, 3], () => pulls++), 100);
    expect(pulls).toBe(4);
  });
});

describe("the pace of a body", () => {
  const pace = { idleMs: 200, minBytesPerSecond: 1000, graceMs: 300 };
  /** chunks of `size` bytes every `everyMs`, `count` of them (then the end) */
  function trickle(size: number, everyMs: number, count: number): AsyncIterable<Uint8Array> & { cancelled: boolean; sent: number } {
    const body = {
      cancelled: false,
      sent: 0,
      async *[Symbol.asyncIterator]() {
        try {
          for (let i = 0; i < count; i++) {
            await new Promise((r) => setTimeout(r, everyMs));
            body.sent++;
            yield new Uint8Array(size);
          }
        } finally {
          body.cancelled = true;
        }
      },
    };
    return body;
  }

  it("gives up a body that stops arriving, without destroying it (the caller still answers)", async () => {
    const body = trickle(10, 400, 3); // first chunk after 400 ms > idle 200 ms
    const e = await readBody(body, 1000, 0, pace).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UploadTooSlow);
    expect((e as UploadTooSlow).why).toBe("idle");
    expect(body.cancelled).toBe(false);
  });

  it("gives up a body that keeps trickling below the minimum rate once the grace period is over", async () => {
    const body = trickle(1, 50, 100); // 20 bytes/s against 1000
    const e = await readBody(body, 1000, 0, pace).catch((x: unknown) => x);
    expect((e as UploadTooSlow).why).toBe("slow");
  });

  it("reads a body that keeps the pace, however long it takes, and a drain gives up a slow one", async () => {
    // 20,000 bytes/s for 600 ms: twenty times the minimum, so a loaded machine's late timers cannot make it slow
    const r = await readBody(trickle(1000, 50, 12), 100_000, 0, pace);
    expect(r.ok && r.bytes.length).toBe(12_000);
    const slow = trickle(1, 150, 100);
    await drainBody(slow, 10, pace);
    expect(slow.sent).toBeLessThan(10); // given up after a few, not waited for all 100
  });
});
