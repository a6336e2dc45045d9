// Upload Package (nuget.org's /packages/manage/upload): a .nupkg sent from the browser waits,
// checked as a push checks it, until its uploader submits or cancels it. One per user (a new
// upload replaces the old); UPLOAD_PENDING_MINUTES after upload it is discarded, by the jobs
// (upload-files.ts's discardExpiredUploads) and lazily whenever it is looked up. Its file is
// under PACKAGES_DIR/.uploads/ (upload-files.ts).
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import type { Db } from "@/lib/create-db";
import { env } from "@/lib/env";
// not scan.ts: its worker pool cannot be bundled by Next (see scan-package.ts); the scan runs on this thread
import { scanPackage } from "@/lib/leaks/scan-package";
import { readNupkg } from "@/lib/nuget/nupkg";
import { packageIdKey } from "@/lib/nuget/package-id";
import { paced, uploadPace, type UploadPace } from "@/lib/nuget/read-body";
import { readNuspecDetails, type NuspecDetails } from "@/lib/nuget/nuspec-details";
import { parseVersion, type NuGetVersion } from "@/lib/nuget/version";
import { listMemberOrganizations } from "@/lib/organizations/store";
import { packagesDir } from "./files";
import { readStoredNuspec } from "./flat-container";
import { MAX_DETAILS_READ } from "./package-page";
import { parseDependencyGroups, type DependencyGroup } from "./registration";
import { discardPendingUpload, removeFile, uploadFile, uploadsDir } from "./upload-files";
import { UPLOAD_MESSAGES } from "./upload-messages";

export { UPLOAD_MESSAGES };
import { publishVersion } from "./publish";
import { checkNewId } from "./reserved-namespaces";

export type Received = { ok: true; file: string; size: number; sha512: string } | { ok: false; tooLarge: true };

/**
 * The body streamed to a temporary file under .uploads, at the pushes' pace (UploadTooSlow is
 * thrown, the file removed) and up to `limit` bytes: past it the reading stops (the browser
 * checks the size before sending, so only a crafted request gets that far).
 */
export async function receiveUpload(body: AsyncIterable<Uint8Array> | null, limit: number, dir = packagesDir(), pace: UploadPace = uploadPace()): Promise<Received> {
  await mkdir(uploadsDir(dir), { recursive: true, mode: 0o700 });
  const file = path.join(uploadsDir(dir), `incoming-${randomUUID()}.part`);
  const out = createWriteStream(file, { mode: 0o600 });
  const hash = createHash("sha512");
  let size = 0;
  try {
    for await (const chunk of body ? paced(body, pace) : []) {
      size += chunk.byteLength;
      // leaving the loop cancels the stream
      if (size > limit) break;
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await finished(out);
  } catch (e) {
    out.destroy();
    await removeFile(file);
    throw e;
  }
  if (size > limit) {
    await removeFile(file);
    return { ok: false, tooLarge: true };
  }
  return { ok: true, file, size, sha512: hash.digest("base64") };
}

/** An account the user may publish as. */
export interface PublishAccount {
  id: string;
  username: string;
}

interface AccountState extends PublishAccount {
  usable: boolean;
}

/** The user, then their organizations (nuget.org's owner list order); an unconfirmed or locked account is not usable. */
async function accountsOf(db: Db, userId: string): Promise<AccountState[]> {
  const orgs = await listMemberOrganizations(db, userId);
  const states = await db.user.findMany({ where: { id: { in: [userId, ...orgs.map((o) => o.id)] } }, select: { id: true, username: true, isOrganization: true, emailConfirmedAt: true, locked: true } });
  const user = states.find((s) => s.id === userId && !s.isOrganization);
  if (!user) return [];
  const usable = new Set(states.filter((s) => s.emailConfirmedAt !== null && !s.locked).map((s) => s.id));
  return [user, ...orgs].map((a) => ({ id: a.id, username: a.username, usable: usable.has(a.id) }));
}

export type PublishOptions =
  | { ok: true; packageId: string; existing: boolean; owners: PublishAccount[] }
  | { ok: false; status: number; message: string };

/**
 * Whether `userId`, acting as any of their accounts, may publish `version` of `packageId`: an
 * id one of them owns (without that version yet), or a new one some of them may take (reserved
 * prefixes). `owners`: the accounts it can be published as (for an existing id, those owning it).
 */
export async function publishOptions(db: Db, userId: string, packageId: string, version: NuGetVersion): Promise<PublishOptions> {
  const accounts = await accountsOf(db, userId);
  const reg = await db.packageRegistration.findUnique({
    where: { idKey: packageIdKey(packageId) },
    select: { id: true, packageId: true, owners: { where: { userId: { in: accounts.map((a) => a.id) } }, select: { userId: true } } },
  });
  let owners: AccountState[];
  if (reg) {
    const owning = new Set(reg.owners.map((o) => o.userId));
    owners = accounts.filter((a) => owning.has(a.id));
    if (owners.length === 0) return { ok: false, status: 409, message: UPLOAD_MESSAGES.idNotAvailable(reg.packageId) };
    if (await db.packageVersion.count({ where: { registrationId: reg.id, versionKey: version.key } })) {
      return { ok: false, status: 409, message: UPLOAD_MESSAGES.versionExists(reg.packageId, version.normalized) };
    }
  } else {
    const decisions = await Promise.all(accounts.map((a) => checkNewId(db, packageId, a.id)));
    owners = accounts.filter((_, i) => decisions[i].allowed);
    const own = decisions[0];
    if (owners.length === 0) return { ok: false, status: 409, message: own && !own.allowed ? own.reason : UPLOAD_MESSAGES.idNotAvailable(packageId) };
  }
  const usable = owners.filter((o) => o.usable);
  if (usable.length === 0) {
    return { ok: false, status: 403, message: owners.some((o) => o.id === userId) ? UPLOAD_MESSAGES.accountUnconfirmed : UPLOAD_MESSAGES.organizationUnconfirmed };
  }
  return { ok: true, packageId: reg?.packageId ?? packageId, existing: reg !== null, owners: usable.map(({ id, username }) => ({ id, username })) };
}

export type UploadCheck = (PublishOptions & { ok: true; version: string }) | (PublishOptions & { ok: false });

/** The push's checks on an uploaded package: sound, publishable (publishOptions), no API key inside (the push's scan: a live key is revoked). */
export async function checkUpload(db: Db, userId: string, bytes: Uint8Array, headers: Pick<Headers, "get">): Promise<UploadCheck> {
  const pkg = await readNupkg(bytes);
  if (!pkg.ok) return { ok: false, status: 400, message: UPLOAD_MESSAGES.invalid(pkg.reason) };
  const options = await publishOptions(db, userId, pkg.id, pkg.version);
  if (!options.ok) return options;
  const scan = await scanPackage(db, bytes, { id: pkg.id, version: pkg.version.normalized }, headers);
  // the push's refusal: its first line is the reason ("The package contains a live API key …")
  if (scan.refusal) return { ok: false, status: 400, message: scan.refusal.body.split("\n")[0] };
  return { ...options, version: pkg.version.normalized };
}

export interface PendingUploadView {
  id: string;
  packageId: string;
  version: string;
  size: number;
  fileName: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** the file, for reading its details */
  file: string;
}

const SELECT = { id: true, userId: true, packageId: true, version: true, size: true, fileName: true, createdAt: true, expiresAt: true } as const;

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === "P2002";
}

/**
 * The received file becomes `userId`'s pending upload, replacing any earlier one (its row and
 * file). The file is moved under its final name first, so a row always has its file.
 */
export async function stagePendingUpload(
  db: Db,
  userId: string,
  received: { file: string; size: number; sha512: string },
  pkg: { packageId: string; version: string; fileName: string | null },
  dir = packagesDir(),
  now = new Date(),
): Promise<PendingUploadView> {
  const id = randomUUID();
  const file = uploadFile(dir, userId, id);
  await rename(received.file, file);
  const expiresAt = new Date(now.getTime() + env().UPLOAD_PENDING_MINUTES * 60_000);
  const data = { id, userId, packageId: pkg.packageId, version: pkg.version, size: received.size, sha512: received.sha512, fileName: pkg.fileName?.slice(0, 256) ?? null, createdAt: now, expiresAt };
  // Two uploads of one user at once: both may find no row, and one insert then fails on the
  // user's unique row; it looks again and replaces the other's.
  for (let attempt = 0; ; attempt++) {
    try {
      const replaced = await db.$transaction(async (tx) => {
        const old = await tx.pendingUpload.findUnique({ where: { userId }, select: { id: true } });
        if (old) await tx.pendingUpload.delete({ where: { id: old.id } });
        await tx.pendingUpload.create({ data });
        return old;
      });
      if (replaced) await removeFile(uploadFile(dir, userId, replaced.id));
      return { ...data, file };
    } catch (e) {
      if (attempt < 2 && isUniqueViolation(e)) continue;
      await removeFile(file);
      throw e;
    }
  }
}

/** `userId`'s pending upload (never another's), or null; an expired one is discarded here. */
export async function findPendingUpload(db: Db, userId: string, dir = packagesDir(), now = new Date()): Promise<PendingUploadView | null> {
  const row = await db.pendingUpload.findUnique({ where: { userId }, select: SELECT });
  if (!row) return null;
  const file = uploadFile(dir, userId, row.id);
  if (row.expiresAt <= now) {
    await discardPendingUpload(db, userId, row.id, dir);
    return null;
  }
  return { id: row.id, packageId: row.packageId, version: row.version, size: row.size, fileName: row.fileName, createdAt: row.createdAt, expiresAt: row.expiresAt, file };
}

export interface VerifyView {
  upload: PendingUploadView;
  /** null when the package is over MAX_DETAILS_READ (as on the package page) */
  details: NuspecDetails | null;
  dependencyGroups: DependencyGroup[];
  /** who it can be published as now, or why it cannot (someone took the id or version meanwhile) */
  options: PublishOptions;
  /** until it is discarded, at least 1 */
  minutesLeft: number;
}

/** What Verify shows of `userId`'s pending upload; null when there is none. */
export async function viewPendingUpload(db: Db, userId: string, dir = packagesDir(), now = new Date()): Promise<VerifyView | null> {
  const upload = await findPendingUpload(db, userId, dir, now);
  if (!upload) return null;
  const version = parseVersion(upload.version);
  if (!version) return null;
  const [details, nuspec, options] = await Promise.all([
    upload.size <= MAX_DETAILS_READ ? readFile(upload.file).then(readNuspecDetails, () => null) : null,
    readStoredNuspec(upload.file),
    publishOptions(db, userId, upload.packageId, version),
  ]);
  const minutesLeft = Math.max(1, Math.ceil((upload.expiresAt.getTime() - now.getTime()) / 60_000));
  return { upload, details, dependencyGroups: (nuspec && parseDependencyGroups(nuspec)) ?? [], options, minutesLeft };
}

export type SubmitResult = { ok: true; packageId: string; version: string } | { ok: false; message: string };

/**
 * Submit: the pending upload is published exactly as a push (publishVersion), as `ownerName`
 * for a new id (one of the user's accounts allowed to take it), recording "browser" instead of
 * a key. Two submits of one upload race to one version: the other gets "already exists". The
 * row and file go once the version is stored; a refusal leaves them for Cancel.
 */
export async function submitPendingUpload(
  db: Db,
  userId: string,
  uploadId: string,
  ownerName: string | null,
  dir = packagesDir(),
  now = new Date(),
): Promise<SubmitResult> {
  const pending = await findPendingUpload(db, userId, dir, now);
  if (!pending || pending.id !== uploadId) return { ok: false, message: UPLOAD_MESSAGES.gone };
  let bytes: Buffer;
  try {
    bytes = await readFile(pending.file);
  } catch {
    return { ok: false, message: UPLOAD_MESSAGES.gone };
  }
  const pkg = await readNupkg(bytes);
  if (!pkg.ok) return { ok: false, message: UPLOAD_MESSAGES.invalid(pkg.reason) };
  const options = await publishOptions(db, userId, pkg.id, pkg.version);
  if (!options.ok) return { ok: false, message: options.message };
  // an existing id keeps its owners (the user first if they are one); a new one takes the owner chosen
  const owner = options.existing || !ownerName ? options.owners[0] : options.owners.find((a) => a.username.toLowerCase() === ownerName.toLowerCase());
  if (!owner) return { ok: false, message: UPLOAD_MESSAGES.ownerNotAllowed(ownerName ?? "") };
  const result = await publishVersion(
    db,
    {
      packageId: pkg.id,
      ownerId: owner.id,
      version: pkg.version,
      bytes,
      pushedById: userId,
      pushedByKeyId: null,
      pushedByKeyName: null,
      pushedVia: "browser",
      check: async (found) => (found && !found.owned ? UPLOAD_MESSAGES.idNotAvailable(found.packageId) : null),
    },
    dir,
  );
  switch (result.status) {
    case "created":
      await discardPendingUpload(db, userId, uploadId, dir);
      return { ok: true, packageId: options.packageId, version: pkg.version.normalized };
    case "checked":
      return { ok: false, message: result.refusal };
    case "exists":
      return { ok: false, message: UPLOAD_MESSAGES.versionExists(options.packageId, pkg.version.normalized) };
    case "reserved":
      return { ok: false, message: result.reason };
    default:
      return { ok: false, message: UPLOAD_MESSAGES.gone };
  }
}
export { discardPendingUpload } from "./upload-files";
