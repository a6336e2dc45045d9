// The NuGet push protocol over plain HTTP, for tests that need a push but not a client:
// PUT {base}/api/v2/package/ with X-NuGet-ApiKey and the body framed as NuGet.exe 5.8 frames it.
import { buildNupkg, multipartNuGet58 } from "../nupkg";
import { rawRequest, type RawResponse } from "../raw-http";

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

/** Pushes a minimal package `id` `version` as NuGet.exe 5.8 sends it (chunked, its multipart). */
export function pushPackage(base: string, apiKey: string, id: string, version: string): Promise<RawResponse> {
  const form = multipartNuGet58(buildNupkg({ id, version }));
  return rawRequest(base, {
    method: "PUT",
    path: "/api/v2/package/",
    mode: "chunked",
    headers: { "Content-Type": form.contentType, "X-NuGet-ApiKey": apiKey },
    body: form.body,
  });
}
