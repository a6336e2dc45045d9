// Package registrations and versions: the rows and the .nupkg files under PACKAGES_DIR.
// A push is atomic: the file is written to a temp name, the rows are inserted in a transaction,
// and the file is renamed into place as the transaction's last step. Any failure rolls the
// rows back and removes the file: never a row without a file or a file without a row.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readdir, rm, rmdir, stat } from "node:fs/promises";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync } from "node:fs";
import path from "node:path";
import { constraintViolation, hotReader, hotWriter, type Db, type HotSql, type HotStatement } from "@/lib/create-db";
import { packageIdKey } from "@/lib/nuget/package-id";
import type { NuGetVersion } from "@/lib/nuget/version";

export function packagesDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.PACKAGES_DIR || ".data/packages");
}

/** `<idlower>/<versionlower>/<idlower>.<versionlower>.nupkg`: ids and versions are validated, so no path tricks */
export function packageFilePath(dir: string, idKey: string, versionKey: string): string {
  return path.join(dir, idKey, versionKey, `${idKey}.${versionKey}.nupkg`);
}

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

const PACKAGE: HotSql = {
  name: "find_package",
  sqlite: `SELECT r.id, r.packageId, r.idKey,
      EXISTS (SELECT 1 FROM PackageOwner o WHERE o.registrationId = r.id AND o.userId = ?) AS owned,
      v.id AS versionId, v.version, v.listed, v.size
    FROM PackageRegistration r LEFT JOIN PackageVersion v ON v.registrationId = r.id AND v.versionKey = ?
    WHERE r.idKey = ?`,
  postgresql: `SELECT r.id, r."packageId", r."idKey",
      EXISTS (SELECT 1 FROM "PackageOwner" o WHERE o."registrationId" = r.id AND o."userId" = $1) AS owned,
      v.id AS "versionId", v.version, v.listed, v.size
    FROM "PackageRegistration" r LEFT JOIN "PackageVersion" v ON v."registrationId" = r.id AND v."versionKey" = $2
    WHERE r."idKey" = $3`,
};

interface PackageRow {
  id: string;
  packageId: string;
  idKey: string;
  // SQLite answers 0/1
  owned: number | boolean;
  versionId: string | null;
  version: string | null;
  listed: number | boolean | null;
  size: number | string | null;
}

/**
 * The id's registration, whether `ownerId` owns it and the version `versionKey` (when given),
 * in one read: push, unlist, relist, verify and download each make this one query. A driver read
 * (see hotReader), not Prisma. null = no such id.
 */
export async function findPackage(
  db: Db,
  packageId: string,
  { ownerId = null, versionKey = null }: { ownerId?: string | null; versionKey?: string | null } = {},
  dir = packagesDir(),
): Promise<FoundPackage | null> {
  // "" matches no owner and no version: both are never empty
  const row = await hotReader(db).one<PackageRow>(PACKAGE, [ownerId ?? "", versionKey ?? "", packageIdKey(packageId)]);
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
            filePath: packageFilePath(dir, row.idKey, versionKey),
          },
  };
}

/** Unlist (listed = false) or relist; unlisted versions stay downloadable, as on nuget.org. */
export async function setListed(db: Db, versionId: string, listed: boolean): Promise<void> {
  await db.packageVersion.update({ where: { id: versionId }, data: { listed } });
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
}

export type AddVersionResult =
  | { status: "created"; versionId: string; registrationId: string }
  /** the version is already there (409) */
  | { status: "exists" }
  /** someone registered the id meanwhile: look it up again and re-check ownership */
  | { status: "id-taken" }
  /** the pushing key was revoked, deleted, regenerated or expired while the body was uploading */
  | { status: "key-gone" };

/** Thrown inside the transaction to roll it back when the pushing key is no longer live. */
class KeyGone extends Error {}

// The push's rows, written through the driver (see HotWriter) with the values Prisma would
// write, so Prisma reads them back alike: a random UUID for the id where Prisma makes a cuid
// (nothing reads meaning into an id's shape), every timestamp explicit, listed = true.
const INSERT_REGISTRATION: HotSql = {
  name: "push_insert_registration",
  sqlite: `INSERT INTO PackageRegistration (id, packageId, idKey, createdAt) VALUES (?, ?, ?, ?)`,
  postgresql: `INSERT INTO "PackageRegistration" (id, "packageId", "idKey", "createdAt") VALUES ($1, $2, $3, $4)`,
};

const INSERT_OWNER: HotSql = {
  name: "push_insert_owner",
  sqlite: `INSERT INTO PackageOwner (registrationId, userId) VALUES (?, ?)`,
  postgresql: `INSERT INTO "PackageOwner" ("registrationId", "userId") VALUES ($1, $2)`,
};

const INSERT_VERSION: HotSql = {
  name: "push_insert_version",
  sqlite: `INSERT INTO PackageVersion (id, registrationId, version, versionKey, listed, size, sha512, pushedAt, pushedById, pushedByKeyId, pushedByKeyName)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  postgresql: `INSERT INTO "PackageVersion" (id, "registrationId", version, "versionKey", listed, size, sha512, "pushedAt", "pushedById", "pushedByKeyId", "pushedByKeyName")
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
};

/** The expiry is compared in JS, so an unreadable one counts as expired (see isLive). */
const PUSHING_KEY: HotSql = {
  name: "push_key_state",
  sqlite: `SELECT revokedAt IS NOT NULL AS revoked, expiresAt FROM ApiKey WHERE id = ?`,
  // FOR SHARE: a revoke committing meanwhile is either seen here or waits for our commit
  postgresql: `SELECT "revokedAt" IS NOT NULL AS revoked, (extract(epoch FROM "expiresAt") * 1000)::float8 AS "expiresAt" FROM "ApiKey" WHERE id = $1 FOR SHARE`,
};

interface PushingKeyRow {
  // SQLite: 0/1 and ISO text (the Prisma adapter's format); PostgreSQL: a boolean and epoch ms
  revoked: number | boolean;
  expiresAt: string | number;
}

/** Live = the row exists, is not revoked and has not expired; an unreadable expiry counts as expired. */
function isLive(row: PushingKeyRow | undefined, now: number): boolean {
  return row !== undefined && !row.revoked && new Date(row.expiresAt).getTime() > now;
}

/**
 * Writes the temp file to disk (flushed: a 201 and a committed row must never outlive a power
 * cut that loses the file) and makes the version's folder on libuv's threads while this thread
 * hashes the bytes: the three at once cost about what the hash costs alone. (createHash here
 * beats WebCrypto's threaded digest, which is slower on a 1 MB input and needs a copy.) The
 * folder may stay empty if the push then fails; clean-up removes it.
 */
async function writeTempAndHash(tmpPath: string, versionDir: string, bytes: Uint8Array): Promise<{ sha512: string; ino: number }> {
  const file = await withParent(tmpPath, () => open(tmpPath, "wx"));
  try {
    const written = (async () => {
      // one write call for the whole buffer; loop only if the kernel takes less
      for (let at = 0; at < bytes.byteLength; ) at += (await file.write(bytes, at)).bytesWritten;
      await file.datasync();
      // the inode survives the rename: lets clean-up remove our file and never a concurrent winner's
      return (await file.stat()).ino;
    })();
    const folder = mkdir(versionDir, { recursive: true });
    const sha512 = createHash("sha512").update(bytes).digest("base64");
    // settled, not Promise.all: clean-up must not race a piece still running
    const [ino, made] = await Promise.allSettled([written, folder]);
    if (ino.status === "rejected") throw ino.reason;
    if (made.status === "rejected") throw made.reason;
    return { sha512, ino: ino.value };
  } finally {
    await file.close();
  }
}

/** Runs `op`; when a parent folder is missing, makes it and runs `op` again (one mkdir per new folder, not one per push). */
async function withParent<T>(file: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    await mkdir(path.dirname(file), { recursive: true });
    return op();
  }
}

/**
 * Removes temp files older than `olderThanMs` from `.tmp`: left behind by a process that died
 * in the middle of a push (a living push holds its temp file for well under a second: it is
 * written only once the body is in). Run at start-up by server/main.ts. Returns how many.
 */
export async function removeStaleTempFiles(dir = packagesDir(), olderThanMs = 60 * 60_000, now = Date.now()): Promise<number> {
  const tmp = path.join(dir, ".tmp");
  let names: string[];
  try {
    names = await readdir(tmp);
  } catch {
    return 0; // no pushes yet
  }
  let removed = 0;
  for (const name of names) {
    const file = path.join(tmp, name);
    try {
      if (now - (await stat(file)).mtimeMs > olderThanMs) {
        await rm(file, { force: true });
        removed++;
      }
    } catch {
      // gone meanwhile
    }
  }
  return removed;
}

export async function addPackageVersion(db: Db, input: NewVersion, dir = packagesDir()): Promise<AddVersionResult> {
  const idKey = packageIdKey(input.packageId);
  const finalPath = packageFilePath(dir, idKey, input.version.key);
  const tmpPath = path.join(dir, ".tmp", `${randomUUID()}.nupkg`);
  const versionDir = path.dirname(finalPath);
  let ino = 0;
  let renamed = false;
  try {
    const temp = await writeTempAndHash(tmpPath, versionDir, input.bytes);
    ino = temp.ino;
    const now = new Date();
    const registrationId = input.registrationId ?? randomUUID();
    const versionId = randomUUID();
    const statements: HotStatement[] = [];
    if (input.registrationId === null) {
      statements.push(
        { sql: INSERT_REGISTRATION, params: [registrationId, input.packageId, idKey, now] },
        { sql: INSERT_OWNER, params: [registrationId, input.ownerId] },
      );
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
        temp.sha512,
        now,
        input.pushedById,
        input.pushedByKeyId,
        input.pushedByKeyName,
      ],
    });
    // The key was checked before the upload began, which may have taken minutes: a key
    // revoked meanwhile must not land the package (nuget.org checks once; we check again).
    // After the inserts on purpose, just before the commit: on PostgreSQL the version's insert
    // locks the key row (its foreign key), so a delete or regenerate has either committed and
    // is seen here, or waits for our commit; on SQLite the whole transaction holds the write lock.
    if (input.pushedByKeyId) statements.push({ sql: PUSHING_KEY, params: [input.pushedByKeyId] });
    await hotWriter(db).transaction(statements, (rows) => {
      if (input.pushedByKeyId && !isLive(rows.at(-1) as PushingKeyRow | undefined, Date.now())) throw new KeyGone();
      renameIntoPlace(tmpPath, finalPath);
      renamed = true;
    });
    return { status: "created", versionId, registrationId };
  } catch (e) {
    if (renamed) await removeIfOurs(finalPath, ino);
    else await rm(tmpPath, { force: true });
    await removeIfEmpty(versionDir);
    const violated = constraintViolation(e);
    if (violated === "unique") return input.registrationId === null ? { status: "id-taken" } : { status: "exists" };
    if (e instanceof KeyGone) return { status: "key-gone" };
    // a foreign key failed: the key row may have gone between the check above and the insert
    // (deleted or regenerated); any other foreign key failing is a real error
    if (violated === "foreign-key" && input.pushedByKeyId && (await db.apiKey.count({ where: { id: input.pushedByKeyId } })) === 0) {
      return { status: "key-gone" };
    }
    throw e;
  }
}

/**
 * The rename that makes the push visible, inside the transaction, flushed to disk before the
 * commit (the folder's fsync makes the new name durable). Synchronous on purpose: a rename of
 * some 50 µs and an fsync of some 0.2 ms, where a trip through libuv's threads took 0.4 ms in
 * the push benchmark; and on SQLite the transaction must not await (see HotWriter).
 */
function renameIntoPlace(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    // the version's folder went away meanwhile (a failed concurrent push cleaning up)
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    mkdirSync(path.dirname(to), { recursive: true });
    renameSync(from, to);
  }
  const folder = openSync(path.dirname(to), "r");
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}

/** The version's folder and then the id's, each only if empty (rmdir refuses a folder with a file in it). */
async function removeIfEmpty(versionDir: string): Promise<void> {
  for (const folder of [versionDir, path.dirname(versionDir)]) {
    try {
      await rmdir(folder);
    } catch {
      return; // not empty (a concurrent winner's file), or already gone
    }
  }
}

async function removeIfOurs(file: string, ino: number): Promise<void> {
  try {
    if ((await stat(file)).ino === ino) await rm(file, { force: true });
  } catch {
    // already gone
  }
}
