// POST /api/v2/package/create-verification-key/{id}/{version?} (the 4.1.0 protocol): a push key
// asks for a one-time key a third party (a symbol server) can use to check ownership. As on
// nuget.org it is made even for an id that does not exist; the check waits for verifykey.
import { createVerificationKey } from "@/lib/api-keys/verification-keys";
import { db } from "@/lib/db";
import { isValidPackageId } from "@/lib/nuget/package-id";
import { nugetResponse, toResponse } from "@/lib/nuget/responses";
import { keyFor, recordUse, successWarnings } from "@/lib/nuget/key-check";
import { noteKeyUse, withKeyActivity } from "@/lib/key-activity/record";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; version?: string[] }> };

export function POST(request: Request, ctx: Params): Promise<Response> {
  return withKeyActivity(db, request, "create-verification-key", () => createKey(request, ctx));
}

async function createKey(request: Request, { params }: Params): Promise<Response> {
  const { id, version } = await params;
  noteKeyUse(request, { packageId: id, version: version?.[0] });
  const auth = await keyFor(request, "create-verification-key");
  if ("refusal" in auth) return toResponse(auth.refusal);
  const { key } = auth;
  if (!isValidPackageId(id)) return nugetResponse(400, { reason: "The package id is not valid." });
  const { plaintext, expiresAt } = await createVerificationKey(db, key, id);
  await recordUse(key);
  const headers = new Headers({ "Cache-Control": "no-store" });
  for (const w of successWarnings(request, key)) headers.append("X-NuGet-Warning", w);
  return Response.json({ Key: plaintext, Expires: expiresAt.toISOString() }, { headers });
}
