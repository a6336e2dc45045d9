// A body read whole but never past `max` bytes: a route's request (server/main.ts caps every body
// Next sees already; this holds for the handler on its own, as in the tests), or a fetched
// response from another site (Trusted Publishing's key set, GitHub's repository lookup).
export async function readCapped(message: { headers: Headers; body: ReadableStream<Uint8Array> | null }, max: number): Promise<Uint8Array | null> {
  const announced = Number(message.headers.get("content-length") ?? 0);
  if (announced > max) {
    await message.body?.cancel();
    return null;
  }
  if (!message.body) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = message.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts, size);
}
