import { describe, expect, it } from "vitest";
import { drainBody, readBody } from "./read-body";

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
  it("returns the whole body within the limit", async () => {
    const r = await readBody(stream([3, 4]), 7);
    expect(r.ok && r.bytes.length).toBe(7);
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
