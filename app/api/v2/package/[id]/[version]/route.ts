// /api/v2/package/{id}/{version}: GET downloads the .nupkg (unlisted versions too, as on
// nuget.org; counted as a download), DELETE unlists, POST relists. Id and version arrive as the user typed them
// (`test.pkg`, `1.0`, `1.0.0+meta`): the id is matched case-insensitively, the version normalised.
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { Readable } from "node:stream";
import { db } from "@/lib/db";
import { isValidPackageId } from "@/lib/nuget/package-id";
import { MESSAGES, nugetResponse, toResponse } from "@/lib/nuget/responses";
import { parseVersion } from "@/lib/nuget/version";
import { countDownload } from "@/lib/packages/downloads";
import { findPackage, setListed, type FoundPackage, type StoredVersion } from "@/lib/packages/store";
import { keyFor, packageRefusal, recordUse, successWarnings } from "@/lib/nuget/key-check";
import { noteKeyUse, withKeyActivity } from "@/lib/key-activity/record";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; version: string }> };

/** The id with the version asked for, null when either is not there; `ownerId`: whose ownership to read. */
async function lookup(id: string, versionText: string, ownerId: string | null = null): Promise<(FoundPackage & { version: StoredVersion }) | null> {
  const version = parseVersion(versionText);
  if (!version || !isValidPackageId(id)) return null;
  const found = await findPackage(db, id, { ownerId, versionKey: version.key });
  return found?.version ? { ...found, version: found.version } : null;
}

export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const { id, version } = await params;
  const target = await lookup(id, version);
  const found = target?.version;
  if (!found) return nugetResponse(404, { reason: MESSAGES.versionMissing(id, version) });
  // the store never leaves a row without its file; if someone removed it by hand, say so cleanly
  if (!(await access(found.filePath).then(() => true, () => false))) {
    return nugetResponse(404, { reason: MESSAGES.versionMissing(id, version), detail: "The package file is missing from the server's storage." });
  }
  countDownload(db, found.id, target.registrationId);
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
  if ("refusal" in auth) return toResponse(auth.refusal);
  const { key } = auth;
  const { id, version } = await params;
  noteKeyUse(request, { packageId: id, version });
  // nuget.org looks the version up before the per-package scope check
  const target = await lookup(id, version, key.ownerId);
  if (!target) return nugetResponse(404, { reason: MESSAGES.versionMissing(id, version) });
  const refusal = await packageRefusal(request, key, "unlist", target.packageId, target);
  if (refusal) return toResponse(refusal);
  if (target.version.listed !== listed) await setListed(db, target.version.id, listed);
  await recordUse(key);
  return nugetResponse(200, { reason: "OK", warnings: successWarnings(request, key) });
}

export function DELETE(request: Request, ctx: Params): Promise<Response> {
  return withKeyActivity(db, request, "unlist", () => changeListing(request, ctx, false));
}

export function POST(request: Request, ctx: Params): Promise<Response> {
  return withKeyActivity(db, request, "relist", () => changeListing(request, ctx, true));
}
