// The push (PUT /api/v2/package): a .nupkg in the first part of a multipart body. Served by
// server/main.ts straight from Node's request, before Next (Next's request handling cost more
// than the push's own work on a 1 MB upload), in `npm run dev` as in production: one path.
import "server-only";
import type { AuthenticatedKey } from "@/lib/api-keys/authenticate";
import { writeAudit } from "@/lib/audit";
import { clientIp } from "@/lib/request-context";
import { isConnectionLost } from "@/lib/create-db";
import { db } from "@/lib/db";
import { pushScanVerdict, scanAsBodyArrives, startPushScan, type BodyScan } from "@/lib/leaks/scan";
import { logError } from "@/lib/log";
import { extractFirstPart, multipartBoundary } from "@/lib/nuget/multipart";
import { readNupkg } from "@/lib/nuget/nupkg";
import type { NuGetVersion } from "@/lib/nuget/version";
import { createSlots, maxConcurrentPushes } from "@/lib/nuget/push-slots";
import { drainBody, maxPackageBytes, readBody, UploadTooSlow } from "@/lib/nuget/read-body";
import { MESSAGES, nugetAnswer, type NuGetAnswer } from "@/lib/nuget/responses";
import { recordPolicyPush, SHORT_LIVED_KEY_TYPE } from "@/lib/trusted-publishing/short-lived-keys";
import { publishVersion } from "@/lib/packages/publish";
import { hintTrustedPublishing } from "@/lib/trusted-publishing/hint";
import { keyFailure, keyFor, packageRefusal, recordUse, successWarnings, type ApiRequest } from "./key-check";
import { noteKeyUse, withKeyActivity } from "@/lib/key-activity/record";

export interface PushRequest extends ApiRequest {
  /** the raw body, chunk by chunk */
  body: AsyncIterable<Uint8Array> | null;
}

const ZIP_MAGIC = Buffer.from("PK\x03\x04", "latin1");

/** Accepted pushes whose bodies are read at once (see push-slots.ts). */
const slots = createSlots(maxConcurrentPushes());

/** The push, recorded as a use of its key (lib/key-activity). */
export function push(request: PushRequest): Promise<NuGetAnswer> {
  return withKeyActivity(db, request, "push", () => pushOrUnavailable(request));
}

async function pushOrUnavailable(request: PushRequest): Promise<NuGetAnswer> {
  try {
    return await pushOnce(request);
  } catch (e) {
    // The database connection was lost (a restart, a failover, a cut backend): nothing was
    // stored, or whether it was is unknown (addPackageVersion keeps a row only with its file):
    // the client may try again, and gets 201 or 409.
    if (!isConnectionLost(e)) throw e;
    logError("push: database connection lost (answered 503)", e);
    await drainBody(request.body, maxPackageBytes());
    return nugetAnswer(503, { reason: "Service Unavailable", detail: "The database could not be reached. Try again shortly.", headers: { "Retry-After": "5" } });
  }
}

async function pushOnce(request: PushRequest): Promise<NuGetAnswer> {
  const limit = maxPackageBytes();
  // The key is checked before the body is read, but a refusal waits until the body is drained.
  const auth = await keyFor(request, "push");
  if ("refusal" in auth) {
    await drainBody(request.body, limit);
    return auth.refusal;
  }
  const { key } = auth;

  const giveBack = await slots.take();
  // the leak scan starts on the text entries as they arrive (lib/leaks/scan.ts)
  const scan = scanAsBodyArrives();
  try {
    let body;
    try {
      body = await readBody(request.body, limit, Number(request.headers.get("content-length")) || 0, undefined, scan ? (bytes, length) => scan.arrived(bytes, length) : undefined);
    } catch (e) {
      if (e instanceof UploadTooSlow) return uploadTooSlow(e);
      return nugetAnswer(400, { reason: "The request body could not be read." });
    }
    if (!body.ok) return nugetAnswer(413, { reason: MESSAGES.tooLarge(limit) });
    try {
      return await pushBytes(request, key, body.bytes, scan);
    } finally {
      body.release();
    }
  } finally {
    scan?.abandon();
    giveBack();
  }
}

/** 408, and the connection is closed (server/main.ts): the rest of the body is not waited for. */
function uploadTooSlow(e: UploadTooSlow): NuGetAnswer {
  return nugetAnswer(408, { reason: e.reason, detail: "Nothing was stored. Push the package again.", headers: { Connection: "close" } });
}

/** The push once the key is known and the body is read. */
async function pushBytes(request: PushRequest, key: AuthenticatedKey, bytes: Buffer, arriving: BodyScan | null): Promise<NuGetAnswer> {
  const boundary = multipartBoundary(request.headers.get("content-type"));
  // Tolerated beyond nuget.org: a bare .nupkg body (a zip) instead of a multipart form.
  const nupkg = boundary ? extractFirstPart(bytes, boundary) : bytes.subarray(0, 4).equals(ZIP_MAGIC) ? bytes : null;
  if (!nupkg || nupkg.byteLength === 0) {
    return nugetAnswer(400, { reason: "The request must be multipart/form-data with the .nupkg as its first part." });
  }
  // API keys packed by mistake: a live one refuses the push (lib/leaks/scan.ts). The scan runs
  // on a worker alongside the nuspec's reading, the checks below and the file's writing and
  // hashing; the version's rows are not inserted until it has ended (beforeCommit), and any
  // answer but 201 waits for it too, so a live key refuses every push that packs it (its 400
  // comes first, as if scanned up front). A package refused here waits for it only to bound the work.
  const keys = startPushScan(nupkg, arriving && { scan: arriving, body: bytes });
  keys?.catch(() => {}); // a failure is thrown where the scan is awaited, not as an unhandled rejection
  const pkg = await readNupkg(nupkg);
  if (!pkg.ok) {
    await keys?.catch(() => {}); // what failed is not this answer's business
    return nugetAnswer(400, { reason: pkg.reason });
  }
  const { id, version } = pkg;
  noteKeyUse(request, { packageId: id, version: version.normalized });
  const scanning = pushScanVerdict(db, keys, { id, version: version.normalized }, request.headers);
  scanning.catch(() => {}); // a failure is thrown where the scan is awaited, not as an unhandled rejection
  const answer = await storeVersion(request, key, nupkg, id, version, pkg.description, async () => !(await scanning).refusal);
  const scan = await scanning;
  if (scan.refusal) {
    noteKeyUse(request, { failedCheck: "leak" });
    return scan.refusal;
  }
  if (answer.status !== 201) return answer;
  return nugetAnswer(201, { reason: "Created", warnings: [...scan.warnings, ...successWarnings(request, key)] });
}

/** The ownership and reservation checks, then the version's file and rows; 201 here carries no warnings yet. */
async function storeVersion(
  request: PushRequest,
  key: AuthenticatedKey,
  nupkg: Uint8Array,
  id: string,
  version: NuGetVersion,
  description: string | null,
  beforeCommit: () => Promise<boolean>,
): Promise<NuGetAnswer> {
  const result = await publishVersion(db, {
    packageId: id,
    ownerId: key.ownerId,
    version,
    bytes: nupkg,
    pushedById: key.userId,
    pushedByKeyId: key.id,
    pushedByKeyName: key.name,
    description,
    beforeCommit,
    check: (found) =>
      packageRefusal(request, key, "push", id, found, () =>
        writeAudit(db, {
          actorId: key.userId,
          action: "PackagePushAttemptByNonOwner",
          target: id,
          details: { packageId: id, version: version.normalized, keyId: key.id, keyName: key.name, scopeOwner: key.ownerUsername },
          ip: clientIp(request.headers),
        }),
      ),
  });
  switch (result.status) {
    case "checked":
      return result.refusal;
    case "exists":
      noteKeyUse(request, { failedCheck: "version-exists" });
      return nugetAnswer(409, { reason: MESSAGES.versionExists(id, version.normalized) });
    case "reserved":
      noteKeyUse(request, { failedCheck: "reserved-prefix" });
      return nugetAnswer(409, { reason: result.reason });
    case "key-gone":
      return keyFailure(request, "gone-during-upload", { keyName: key.name });
    case "refused":
      // the caller answers with the scan's refusal
      return nugetAnswer(400, { reason: "The package was refused." });
    case "created":
      await recordUse(key);
      if (key.type === SHORT_LIVED_KEY_TYPE) await recordPolicyPush(db, key.id, id, version.normalized);
      // not awaited: a mail suggesting Trusted Publishing never holds the push's answer
      else void hintTrustedPublishing(db, { key, packageId: id, version: version.normalized, newId: result.newId, headers: request.headers });
      return nugetAnswer(201, { reason: "Created" });
  }
}
