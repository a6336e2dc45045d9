// Request-level pieces shared by the NuGet API route handlers: the caller's key, turned into
// nuget.org's responses when it fails, and the success warnings.
import "server-only";
import { authenticate, touchKey, type AuthenticatedKey } from "@/lib/api-keys/authenticate";
import { checkAction, checkSubject, checkOwnerState, daysUntilExpiry, type Operation } from "@/lib/api-keys/key-checks";
import { explainFailure } from "@/lib/api-keys/refusals";
import { db } from "@/lib/db";
import { appOrigin, clientIp } from "@/lib/request-context";
import { addressAllowed, plainAddress } from "@/lib/api-keys/address-limits";
import { MESSAGES, nugetAnswer, type NuGetAnswer } from "@/lib/nuget/responses";
import type { FoundPackage } from "@/lib/packages/store";
import { logError } from "@/lib/log";
import { SHORT_LIVED_KEY_TYPE } from "@/lib/trusted-publishing/short-lived-keys";
import { noteKeyUse } from "@/lib/key-activity/record";

/** What these helpers read of a request: a Next route's Request, or server/main.ts's view of Node's. */
export interface ApiRequest {
  headers: Pick<Headers, "get">;
}

export function keyFailure(request: ApiRequest, failure: Parameters<typeof explainFailure>[0], ctx: Parameters<typeof explainFailure>[1] = {}): NuGetAnswer {
  const detail = explainFailure(failure, ctx);
  noteKeyUse(request, { failedCheck: failure });
  if (failure === "missing") {
    const realm = new URL(appOrigin(request.headers)).host;
    return nugetAnswer(401, { reason: MESSAGES.apiKeyRequired, detail, headers: { "WWW-Authenticate": `ApiKey realm="${realm}"` } });
  }
  return nugetAnswer(403, { reason: MESSAGES.apiKeyInvalid, detail });
}

/** Authentication plus the endpoint's action filter: the key, or the response refusing it. */
export async function keyFor(request: ApiRequest, op: Operation): Promise<{ key: AuthenticatedKey } | { refusal: NuGetAnswer }> {
  const auth = await authenticate(db, request.headers.get("x-nuget-apikey"));
  noteKeyUse(request, auth.ok ? { keyId: auth.key.id, secret: auth.key.secret } : { keyId: auth.keyId });
  if (!auth.ok) return { refusal: keyFailure(request, auth.failure, { keyName: auth.keyName }) };
  const outside = addressRefusal(request, auth.key);
  if (outside) {
    noteKeyUse(request, { failedCheck: "address" });
    return { refusal: outside };
  }
  if (checkAction(auth.key, op)) {
    return { refusal: keyFailure(request, "action", { keyName: auth.key.name, op }) };
  }
  return { key: auth.key };
}

/**
 * Beyond nuget.org (issue 14): a key limited to address ranges, used from another address (the
 * client address as the server settled it, TRUST_PROXY's rule). 403 with the reason in the
 * reason phrase and in an X-NuGet-Warning; null when allowed.
 */
export function addressRefusal(request: ApiRequest, key: Pick<AuthenticatedKey, "name" | "allowedCidrs">): NuGetAnswer | null {
  const ip = clientIp(request.headers);
  if (addressAllowed(key.allowedCidrs, ip)) return null;
  const text = explainFailure("address", { keyName: key.name, clientAddress: ip ? plainAddress(ip) : null });
  return nugetAnswer(403, { reason: text, detail: text });
}

/**
 * The per-package checks in nuget.org's order: a scope matching the id with an action that
 * counts (a new id needs push), the scope owner owning an existing id, the owner confirmed and
 * not locked. `found` is the id as findPackage read it for the key's owner, null for a new id.
 * null = allowed. `onNotOwner` runs when the id belongs to someone else.
 */
export async function packageRefusal(
  request: ApiRequest,
  key: AuthenticatedKey,
  op: Operation,
  packageId: string,
  found: Pick<FoundPackage, "owned"> | null,
  onNotOwner?: () => Promise<void>,
): Promise<NuGetAnswer | null> {
  const scopeFailure = checkSubject(key, op, packageId, found !== null);
  if (scopeFailure) return keyFailure(request, scopeFailure, { keyName: key.name, packageId, op });
  if (found && !found.owned) {
    await onNotOwner?.();
    return keyFailure(request, "not-owner", { packageId, ownerUsername: key.ownerUsername });
  }
  return ownerStateRefusal(request, key);
}

/** nuget.org's two specific texts for an unconfirmed or locked scope owner; null when fine. */
function ownerStateRefusal(request: ApiRequest, key: AuthenticatedKey): NuGetAnswer | null {
  const state = checkOwnerState(key);
  if (state) noteKeyUse(request, { failedCheck: state });
  if (state === "owner-unconfirmed") return nugetAnswer(403, { reason: MESSAGES.ownerUnconfirmed });
  if (state === "owner-locked") return nugetAnswer(403, { reason: MESSAGES.ownerLocked });
  return null;
}

/**
 * Records a successful use (the key's last-used time). After the work is done and stored, so a
 * failure here (a database locked for longer than the writer waits) is logged, never turned
 * into a 500 for a push or unlist that already took effect.
 */
export async function recordUse(key: AuthenticatedKey): Promise<void> {
  try {
    await touchKey(db, key);
  } catch (e) {
    logError(`could not record the use of API key ${key.id}`, e);
  }
}

/** X-NuGet-Warning texts for a successful response: the key's coming expiry. */
export function successWarnings(request: ApiRequest, key: AuthenticatedKey): string[] {
  // a Trusted Publishing key lives an hour at most: nothing to regenerate (nuget.org adds none)
  if (key.type === SHORT_LIVED_KEY_TYPE) return [];
  const days = daysUntilExpiry(key);
  return days === null ? [] : [MESSAGES.expiryWarning(days, appOrigin(request.headers))];
}
