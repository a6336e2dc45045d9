// Reads a request body as a stream (HTTP/1.0 with Content-Length and chunked without it alike),
// enforcing a size limit on the bytes actually read. Pure (web streams only).

export const DEFAULT_MAX_PACKAGE_BYTES = 250 * 1024 * 1024;

export function maxPackageBytes(): number {
  const n = Number(process.env.MAX_PACKAGE_BYTES);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : DEFAULT_MAX_PACKAGE_BYTES;
}

export type BodyResult = { ok: true; bytes: Buffer } | { ok: false; tooLarge: true; readBytes: number };

/** Past this much beyond the limit we stop draining and answer anyway: draining must not be a free sink. */
function drainCap(limit: number): number {
  return limit * 2 + 16 * 1024 * 1024;
}

/**
 * The whole body, or tooLarge once it passes `limit`. The rest is still read and thrown away:
 * NuGet 2.8.7 shows "The socket has been shut down" instead of our reason if we answer a
 * large upload before reading it.
 */
export async function readBody(body: ReadableStream<Uint8Array> | null, limit: number): Promise<BodyResult> {
  if (!body) return { ok: true, bytes: Buffer.alloc(0) };
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total <= limit) chunks.push(value);
    else chunks.length = 0; // over the limit: keep draining, keep nothing
    if (total > drainCap(limit)) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  if (total > limit) return { ok: false, tooLarge: true, readBytes: total };
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

/** Reads and discards a body (answering a refused request only after the client has sent it all). */
export async function drainBody(body: ReadableStream<Uint8Array> | null, limit: number): Promise<void> {
  if (!body) return;
  try {
    const reader = body.getReader();
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > drainCap(limit)) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // the client went away: nothing to answer
  }
}
