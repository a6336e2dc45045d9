// PackageBaseAddress/3.0.0: /{id}/{version}/{id}.{version}.nupkg streams the stored package,
// /{id}/{version}/{id}.nuspec its manifest (read from the package with the push's zip caps).
// Unlisted versions download too, as on nuget.org. Each .nupkg served counts as a download.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { db } from "@/lib/db";
import { countDownload } from "@/lib/packages/downloads";
import { findFlatFile, readStoredNuspec } from "@/lib/packages/flat-container";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; version: string; file: string }> };

const notFound = () => new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });

export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const { id, version, file } = await params;
  const found = await findFlatFile(db, id, version, file);
  if (!found) return notFound();
  if (found.kind === "nuspec") {
    const nuspec = await readStoredNuspec(found.filePath);
    if (!nuspec) return notFound();
    return new Response(new Uint8Array(nuspec), { headers: { "Content-Type": "text/xml" } });
  }
  // opened before the answer is sent, so a file removed by hand is a 404, not a broken stream
  const stream = await new Promise<ReturnType<typeof createReadStream> | null>((resolve) => {
    const s = createReadStream(found.filePath);
    s.once("open", () => resolve(s));
    s.once("error", () => resolve(null));
  });
  if (!stream) return notFound();
  countDownload(db, found.versionId, found.registrationId);
  // no Content-Length: Next 16 drops it from every route handler's answer (send-response.js's
  // FORBIDDEN_HEADERS), so the file goes out chunked, streamed from disk, never buffered
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { headers: { "Content-Type": "application/octet-stream" } });
}
