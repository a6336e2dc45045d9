// GET /api/v2/verifykey/{id}/{version?}: does the key's owner own this package? 200 yes,
// 403 no, 404 no such package. A verification key is deleted after this first use.
import { consumeVerificationKey, touchKey } from "@/lib/api-keys/authenticate";
import { VERIFY_KEY_TYPE } from "@/lib/api-keys/verification-keys";
import { db } from "@/lib/db";
import { isValidPackageId } from "@/lib/nuget/package-id";
import { MESSAGES, nugetResponse } from "@/lib/nuget/responses";
import { parseVersion } from "@/lib/nuget/version";
import { findRegistration, findVersion } from "@/lib/packages/store";
import { keyFor, packageRefusal, successWarnings } from "../../../_lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string; version?: string[] }> }): Promise<Response> {
  const auth = await keyFor(request, "verify");
  if ("refusal" in auth) return auth.refusal;
  const { key } = auth;
  try {
    const { id, version: rest } = await params;
    const versionText = rest?.[0];
    const registration = isValidPackageId(id) ? await findRegistration(db, id) : null;
    let exists = registration !== null;
    if (registration && versionText !== undefined) {
      const version = parseVersion(versionText);
      exists = version !== null && (await findVersion(db, registration.id, version.key)) !== null;
    }
    if (!registration || !exists) {
      const reason = versionText !== undefined ? MESSAGES.versionMissing(id, versionText) : `A package with ID '${id}' does not exist.`;
      return nugetResponse(404, { reason });
    }
    const refusal = await packageRefusal(request, key, "verify", registration.packageId, registration.id);
    if (refusal) return refusal;
    if (key.type !== VERIFY_KEY_TYPE) await touchKey(db, key);
    return nugetResponse(200, { reason: "OK", warnings: key.type === VERIFY_KEY_TYPE ? [] : successWarnings(request, key) });
  } finally {
    await consumeVerificationKey(db, key);
  }
}
