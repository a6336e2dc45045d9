// /api/v2/package/{id}/{version}: GET downloads the .nupkg (unlisted versions too, as on
// nuget.org), DELETE unlists, POST relists. Id and version arrive as the user typed them
// (`test.pkg`, `1.0`, `1.0.0+meta`): the id is matched case-insensitively, the version normalised.
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { Readable } from "node:stream";
import { touchKey } from "@/lib/api-keys/authenticate";
import { db } from "@/lib/db";
import { isValidPackageId } from "@/lib/nuget/package-id";
import { MESSAGES, nugetResponse } from "@/lib/nuget/responses";
import { parseVersion } from "@/lib/nuget/version";
import { findRegistration, findVersion, setListed, type StoredVersion } from "@/lib/packages/store";
import { keyFor, packageRefusal, successWarnings } from "../../../_lib/http";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; version: string }> };

async function lookup(id: string, versionText: string): Promise<StoredVersion | null> {
  const version = parseVersion(versionText);
  if (!version || !isValidPackageId(id)) return null;
  const registration = await findRegistration(db, id);
  return registration ? findVersion(db, registration.id, version.key) : null;
}

export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const { id, version } = await params;
  const found = await lookup(id, version);
  if (!found) return nugetResponse(404, { reason: MESSAGES.versionMissing(id, version) });
  // the store never leaves a row without its file; if someone removed it by hand, say so cleanly
  if (!(await access(found.filePath).then(() => true, () => false))) {
    return nugetResponse(404, { reason: MESSAGES.versionMissing(id, version), detail: "The package file is missing from the server's storage." });
  }
  const file = `${found.packageId.toLowerCase()}.${found.version.toLowerCase()}.nupkg`;
  const stream = Readable.toWeb(createReadStream(found.filePath)) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Length": String(found.size),
      "Content-Disposition": `attachment; filename="${file}"`,
    },
  });
}

async function changeListing(request: Request, { params }: Params, listed: boolean): Promise<Response> {
  const auth = await keyFor(request, "unlist");
  if ("refusal" in auth) return auth.refusal;
  const { key } = auth;
  const { id, version } = await params;
  // nuget.org looks the version up before the per-package scope check
  const found = await lookup(id, version);
  if (!found) return nugetResponse(404, { reason: MESSAGES.versionMissing(id, version) });
  const refusal = await packageRefusal(request, key, "unlist", found.packageId, found.registrationId);
  if (refusal) return refusal;
  if (found.listed !== listed) await setListed(db, found.id, listed);
  await touchKey(db, key);
  return nugetResponse(200, { reason: "OK", warnings: successWarnings(request, key) });
}

export function DELETE(request: Request, ctx: Params): Promise<Response> {
  return changeListing(request, ctx, false);
}

export function POST(request: Request, ctx: Params): Promise<Response> {
  return changeListing(request, ctx, true);
}
