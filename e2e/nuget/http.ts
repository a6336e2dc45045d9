// The NuGet push protocol over plain HTTP, for tests that need a push but not a client:
// PUT {base}/api/v2/package/ with X-NuGet-ApiKey and the .nupkg as the one multipart part,
// framed as NuGet.exe 5.8 frames it (quoted boundary, unquoted part name, CRLF).
import { randomUUID } from "node:crypto";

export function pushBody(nupkg: Uint8Array): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const boundary = randomUUID();
  const head = `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name=package; filename=package.nupkg; filename*=utf-8''package.nupkg\r\n\r\n`;
  const body = new Uint8Array(Buffer.concat([Buffer.from(head), nupkg, Buffer.from(`\r\n--${boundary}--\r\n`)]));
  return { body, contentType: `multipart/form-data; boundary="${boundary}"` };
}

export async function pushOverHttp(base: string, nupkg: Uint8Array, apiKey: string): Promise<Response> {
  const { body, contentType } = pushBody(nupkg);
  return fetch(`${base}/api/v2/package/`, { method: "PUT", headers: { "X-NuGet-ApiKey": apiKey, "Content-Type": contentType }, body });
}

/** nuget delete = unlist; POST relists. */
export function setListed(base: string, id: string, version: string, listed: boolean, apiKey: string): Promise<Response> {
  return fetch(`${base}/api/v2/package/${encodeURIComponent(id)}/${encodeURIComponent(version)}`, {
    method: listed ? "POST" : "DELETE",
    headers: { "X-NuGet-ApiKey": apiKey },
  });
}
