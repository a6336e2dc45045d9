// Package registrations and versions: the rows (their files are lib/packages/files.ts's).
// A push is atomic: its file is written (and flushed) under a name no other push can have, the
// rows are inserted in a transaction, and any failure rolls the rows back and removes the file.
// So a committed row always has its file, and a file nobody committed is removed: by the failing
// push itself or, if the process died mid-push, by reconcilePackageFiles at the next start.
import "server-only";
import { randomUUID } from "node:crypto";
import { isConnectionLost, type Db } from "@/lib/create-db";
import { constraintViolation, driverReader, driverWriter, FIND_PACKAGE, INSERT_OWNER, INSERT_REGISTRATION, INSERT_VERSION, PUSHING_KEY_STATE, type DriverStatement } from "@/lib/driver-sql";
import { readNupkg } from "@/lib/nuget/nupkg";
import { packageIdKey } from "@/lib/nuget/package-id";
import { MARK_VERIFIED } from "./reserved-namespaces";
import { packageFilePath, packagesDir, removePackageFile, settlePackageFile, writePackageFile } from "./files";
import { becomesLatest, indexStatements, reindexPackage, settlePushedIndex } from "./search-index";
import type { NuGetVersion } from "@/lib/nuget/version";

export interface StoredVersion {
  id: string;
  registrationId: string;
  packageId: string;
  version: string;
  listed: boolean;
  size: number;
  filePath: string;
}

/** What the API's per-request checks need to know of a package id. */
export interface FoundPackage {
  registrationId: string;
  /** as first pushed (the id's case) */
  packageId: string;
  /** whether the given owner (a key's scope owner) is one of the id's owners */
  owned: boolean;
  /** the version asked for; null when it is not there or none was asked for */
  version: StoredVersion | null;
}

interface PackageRow {
  id: string;
  packageId: string;
  idKey: string;
  owned: boolean;
  versionId: string | null;
  version: string | null;
  listed: boolean | null;
  size: number | null;
}

/**
 * The id's registration, whether `ownerId` owns it and the version `versionKey` (when given),
 * in one read: push, unlist, relist, verify and download each make this one query. A driver read
 * (see driverReader), not Prisma. null = no such id.
 */
export async function findPackage(
  db: Db,
  packageId: string,
  { ownerId = null, versionKey = null }: { ownerId?: string | null; versionKey?: string | null } = {},
  dir = packagesDir(),
): Promise<FoundPackage | null> {
  // "" matches no owner and no version: both are never empty
  const row = await driverReader(db).one<PackageRow>(FIND_PACKAGE, [ownerId ?? "", versionKey ?? "", packageIdKey(packageId)]);
  if (!row) return null;
  return {
    registrationId: row.id,
    packageId: row.packageId,
    owned: Boolean(row.owned),
    version:
      row.versionId === null || versionKey === null
        ? null
        : {
            id: row.versionId,
            registrationId: row.id,
            packageId: row.packageId,
            version: row.version!,
            listed: Boolean(row.listed),
            size: Number(row.size),
            filePath: packageFilePath(dir, row.idKey, versionKey, row.versionId),
          },
  };
}

/**
 * Unlist (listed = false) or relist; unlisted versions stay downloadable, as on nuget.org. The
 * id's latest listed version may change with it: its description and search terms are rewritten.
 */
export async function setListed(db: Db, versionId: string, listed: boolean, dir = packagesDir()): Promise<void> {
  const { registrationId } = await db.packageVersion.update({ where: { id: versionId }, data: { listed }, select: { registrationId: true } });
  await reindexPackage(db, registrationId, dir);
}

export interface NewVersion {
  /** the existing registration, or null to create one owned by `ownerId` */
  registrationId: string | null;
  packageId: string;
  ownerId: string;
  version: NuGetVersion;
  bytes: Uint8Array;
  pushedById: string;
  pushedByKeyId: string | null;
  pushedByKeyName: string | null;
  /** how it arrived when not by a key: "browser" (Upload Package, lib/packages/pending-uploads.ts) */
  pushedVia?: string | null;
  /** a new id whose owner holds a matching reserved prefix (reserved-namespaces.ts) */
  verified?: boolean;
  /** the nuspec's description (readNupkg's); when not given it is read from `bytes` if needed */
  description?: string | null;
  /**
   * Waited for once the file is written and hashed, before the rows are inserted: false
   * refuses the version (the file is removed, no row). The push's leak scan runs meanwhile,
   * so its time hides behind the file's hashing and flushing (lib/nuget/push.ts).
   */
  beforeCommit?: () => Promise<boolean>;
}

export type AddVersionResult =
  | { status: "created"; versionId: string; registrationId: string }
  /** the version is already there (409) */
  | { status: "exists" }
  /** someone registered the id meanwhile: look it up again and re-check ownership */
  | { status: "id-taken" }
  /** the pushing key was revoked, deleted, regenerated or expired while the body was uploading */
  | { status: "key-gone" }
  /** `beforeCommit` said no: nothing was stored */
  | { status: "refused" };

/** Thrown inside the transaction to roll it back when the pushing key is no longer live. */
class KeyGone extends Error {}
/** Thrown when `beforeCommit` refuses, so the clean-up below removes the file. */
class Refused extends Error {}

interface PushingKeyRow {
  revoked: boolean;
  expiresAt: Date;
}

/** Live = the row exists, is not revoked and has not expired; an unreadable expiry counts as expired. */
function isLive(row: PushingKeyRow | undefined, now: number): boolean {
  return row !== undefined && !row.revoked && row.expiresAt.getTime() > now;
}

export async function addPackageVersion(db: Db, input: NewVersion, dir = packagesDir()): Promise<AddVersionResult> {
  const idKey = packageIdKey(input.packageId);
  const versionId = randomUUID();
  const file = packageFilePath(dir, idKey, input.version.key, versionId);
  const registrationId = input.registrationId ?? randomUUID();
  // The search index follows the latest listed version: a new id is indexed, an existing one when
  // this version becomes its latest. Asked while the file is written, so it costs no time.
  const indexing = input.registrationId === null ? Promise.resolve(true) : becomesLatest(db, registrationId, input.version.normalized);
  indexing.catch(() => {}); // a failure is thrown where it is awaited
  try {
    const sha512 = await writePackageFile(file, input.bytes, dir);
    if (input.beforeCommit && !(await input.beforeCommit())) throw new Refused();
    const now = new Date();
    const statements: DriverStatement[] = [];
    if (input.registrationId === null) {
      statements.push(
        { sql: INSERT_REGISTRATION, params: [registrationId, input.packageId, idKey, now] },
        { sql: INSERT_OWNER, params: [registrationId, input.ownerId] },
      );
      if (input.verified) statements.push({ sql: MARK_VERIFIED, params: [registrationId] });
    }
    statements.push({
      sql: INSERT_VERSION,
      params: [
        versionId,
        registrationId,
        input.version.normalized,
        input.version.key,
        true,
        input.bytes.byteLength,
        sha512,
        now,
        input.pushedById,
        input.pushedByKeyId,
        input.pushedByKeyName,
        input.pushedVia ?? null,
      ],
    });
    if (await indexing) {
      const description = input.description !== undefined ? input.description : await readNupkg(input.bytes).then((p) => (p.ok ? p.description : null));
      statements.push(...indexStatements(registrationId, input.packageId, description, input.registrationId !== null));
    }
    // The key was checked before the upload began, which may have taken minutes: a key
    // revoked meanwhile must not land the package (nuget.org checks once; we check again).
    // After the inserts on purpose, just before the commit: on PostgreSQL the version's insert
    // locks the key row (its foreign key), so a delete or regenerate has either committed and
    // is seen here, or waits for our commit; on SQLite the whole transaction holds the write lock.
    if (input.pushedByKeyId) statements.push({ sql: PUSHING_KEY_STATE, params: [input.pushedByKeyId] });
    await driverWriter(db).transaction(statements, (rows) => {
      if (input.pushedByKeyId && !isLive(rows.at(-1) as PushingKeyRow | undefined, Date.now())) throw new KeyGone();
    });
    await settlePackageFile(file, dir);
    if (input.registrationId !== null) await settlePushedIndex(db, registrationId, input.version.normalized, await indexing, dir);
    return { status: "created", versionId, registrationId };
  } catch (e) {
    if (isConnectionLost(e)) {
      // The connection went: maybe during COMMIT, after the server committed. Then the row
      // names the file, which must stay (and the push did succeed). Asked on a new connection.
      const committed = await db.packageVersion.count({ where: { id: versionId } }).then((n) => n > 0, () => null);
      if (committed) {
        await settlePackageFile(file, dir);
        return { status: "created", versionId, registrationId };
      }
      // cannot tell: the file and its marker stay, and the next start decides by the row
      if (committed === null) throw e;
    }
    await removePackageFile(file, dir);
    const violated = constraintViolation(e);
    if (violated === "unique") return input.registrationId === null ? { status: "id-taken" } : { status: "exists" };
    if (e instanceof KeyGone) return { status: "key-gone" };
    if (e instanceof Refused) return { status: "refused" };
    // a foreign key failed: the key row may have gone between the check above and the insert
    // (deleted or regenerated); any other foreign key failing is a real error
    if (violated === "foreign-key" && input.pushedByKeyId && (await db.apiKey.count({ where: { id: input.pushedByKeyId } })) === 0) {
      return { status: "key-gone" };
    }
    throw e;
  }
}
