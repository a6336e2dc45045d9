// The NuGet push protocol over plain HTTP, for tests that need a push but not a client:
// PUT {base}/api/v2/package/ with X-NuGet-ApiKey and the body framed as NuGet.exe 5.8 frames it.
import { multipartNuGet58 } from "../nupkg";

export async function pushOverHttp(base: string, nupkg: Uint8Array, apiKey: string): Promise<Response> {
  const { body, contentType } = multipartNuGet58(nupkg);
  return fetch(`${base}/api/v2/package/`, { method: "PUT", headers: { "X-NuGet-ApiKey": apiKey, "Content-Type": contentType }, body: new Uint8Array(body) });
}

/** nuget delete = unlist; POST relists. */
export function setListed(base: string, id: string, version: string, listed: boolean, apiKey: string): Promise<Response> {
  return fetch(`${base}/api/v2/package/${encodeURIComponent(id)}/${encodeURIComponent(version)}`, {
    method: listed ? "POST" : "DELETE",
    headers: { "X-NuGet-ApiKey": apiKey },
  });
}
