// GET /api/v2/verifykey/{id}/{version?}: does the key's owner own this package? 200 yes,
// 403 no, 404 no such package. A verification key is deleted after this first use.
import { consumeVerificationKey } from "@/lib/api-keys/verification-keys";
import { VERIFY_KEY_TYPE } from "@/lib/api-keys/verification-keys";
import { db } from "@/lib/db";
import { isValidPackageId } from "@/lib/nuget/package-id";
import { MESSAGES, nugetResponse, toResponse } from "@/lib/nuget/responses";
import { parseVersion } from "@/lib/nuget/version";
import { findPackage } from "@/lib/packages/store";
import { keyFor, packageRefusal, recordUse, successWarnings } from "@/lib/nuget/key-check";
import { noteKeyUse, withKeyActivity } from "@/lib/key-activity/record";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; version?: string[] }> };

/** A verification key's own use is not kept: the key is deleted by it (and its activity with it). */
export function GET(request: Request, ctx: Params): Promise<Response> {
  return withKeyActivity(db, request, "verify", () => verify(request, ctx));
}

async function verify(request: Request, { params }: Params): Promise<Response> {
  const auth = await keyFor(request, "verify");
  if ("refusal" in auth) return toResponse(auth.refusal);
  const { key } = auth;
  try {
    const { id, version: rest } = await params;
    const versionText = rest?.[0];
    noteKeyUse(request, { packageId: id, version: versionText });
    const version = versionText === undefined ? null : parseVersion(versionText);
    const found = isValidPackageId(id) ? await findPackage(db, id, { ownerId: key.ownerId, versionKey: version?.key }) : null;
    if (!found || (versionText !== undefined && !found.version)) {
      const reason = versionText !== undefined ? MESSAGES.versionMissing(id, versionText) : `A package with ID '${id}' does not exist.`;
      return nugetResponse(404, { reason });
    }
    const refusal = await packageRefusal(request, key, "verify", found.packageId, found);
    if (refusal) return toResponse(refusal);
    if (key.type !== VERIFY_KEY_TYPE) await recordUse(key);
    return nugetResponse(200, { reason: "OK", warnings: key.type === VERIFY_KEY_TYPE ? [] : successWarnings(request, key) });
  } finally {
    await consumeVerificationKey(db, key);
  }
}
