// Reads a request body as a stream (HTTP/1.0 with Content-Length and chunked without it alike),
// enforcing a size limit on the bytes actually read. Pure: any async iterable of chunks (a web
// ReadableStream in a Next route, Node's IncomingMessage in server/main.ts).

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
export async function readBody(body: AsyncIterable<Uint8Array> | null, limit: number): Promise<BodyResult> {
  if (!body) return { ok: true, bytes: Buffer.alloc(0) };
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total <= limit) chunks.push(chunk);
    else chunks.length = 0; // over the limit: keep draining, keep nothing
    // leaving the loop cancels the stream
    if (total > drainCap(limit)) break;
  }
  if (total > limit) return { ok: false, tooLarge: true, readBytes: total };
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

/** Reads and discards a body (answering a refused request only after the client has sent it all). */
export async function drainBody(body: AsyncIterable<Uint8Array> | null, limit: number): Promise<void> {
  if (!body) return;
  try {
    let total = 0;
    for await (const chunk of body) {
      total += chunk.byteLength;
      if (total > drainCap(limit)) return; // leaving the loop cancels the stream
    }
  } catch {
    // the client went away: nothing to answer
  }
}
