// /api/v2/key, beyond nuget.org, for CI scripts: GET describes the key in X-NuGet-ApiKey (JSON,
// never the secret; asking is not a use, so no last-used write), DELETE revokes it (a job's
// teardown). Whatever the key's scopes: it needs none to speak about itself. A missing, unknown,
// malformed, revoked or expired key, or one whose user no longer acts for its owner, gets the
// push API's 401/403 and texts. A verification key (apikey.verify.v1) gets 403: it is a
// one-time token for verifykey alone. A body is not read (the server caps it at 1 MB first).
import type { AuthenticatedKey } from "@/lib/api-keys/authenticate";
import { authenticate } from "@/lib/api-keys/authenticate";
import { describeKey, selfRevokeKey } from "@/lib/api-keys/introspection";
import { VERIFY_KEY_TYPE } from "@/lib/api-keys/verification-keys";
import { db } from "@/lib/db";
import { addressRefusal, keyFailure } from "@/lib/nuget/key-check";
import { MESSAGES, nugetResponse, toResponse } from "@/lib/nuget/responses";
import { clientIp } from "@/lib/request-context";
import { noteKeyUse, withKeyActivity } from "@/lib/key-activity/record";

export const dynamic = "force-dynamic";

const VERIFY_KEY_REFUSAL = "A verification key can only verify package ownership (GET /api/v2/verifykey); it cannot be described or revoked.";

async function presentedKey(request: Request): Promise<{ key: AuthenticatedKey } | { refusal: Response }> {
  const auth = await authenticate(db, request.headers.get("x-nuget-apikey"));
  noteKeyUse(request, auth.ok ? { keyId: auth.key.id, secret: auth.key.secret } : { keyId: auth.keyId });
  if (!auth.ok) return { refusal: toResponse(keyFailure(request, auth.failure, { keyName: auth.keyName })) };
  if (auth.key.type === VERIFY_KEY_TYPE) {
    noteKeyUse(request, { failedCheck: "verification-key" });
    return { refusal: nugetResponse(403, { reason: MESSAGES.apiKeyInvalid, detail: VERIFY_KEY_REFUSAL }) };
  }
  const outside = addressRefusal(request, auth.key);
  if (outside) {
    noteKeyUse(request, { failedCheck: "address" });
    return { refusal: toResponse(outside) };
  }
  return { key: auth.key };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store, no-transform" },
  });
}

export function GET(request: Request): Promise<Response> {
  return withKeyActivity(db, request, "introspect", () => describe(request));
}

export function DELETE(request: Request): Promise<Response> {
  return withKeyActivity(db, request, "revoke", () => revoke(request));
}

async function describe(request: Request): Promise<Response> {
  const auth = await presentedKey(request);
  if ("refusal" in auth) return auth.refusal;
  const description = await describeKey(db, auth.key);
  // revoked or regenerated in the moment since the check: as the push answers a key gone
  if (!description) return toResponse(keyFailure(request, "not-found"));
  return json(200, description);
}

async function revoke(request: Request): Promise<Response> {
  const auth = await presentedKey(request);
  if ("refusal" in auth) return auth.refusal;
  const { key } = auth;
  const revoked = await selfRevokeKey(db, key, { ip: clientIp(request.headers) });
  // another request revoked it first (or it expired, or was regenerated, meanwhile)
  if (!revoked) return toResponse(keyFailure(request, "revoked", { keyName: key.name }));
  return json(200, { name: revoked.name, revoked: revoked.revokedAt.toISOString() });
}
