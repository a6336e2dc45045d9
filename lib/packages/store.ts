// Package registrations and versions: the rows and the .nupkg files under PACKAGES_DIR.
// A push is atomic: its file is written (and flushed) under a name no other push can have, the
// rows are inserted in a transaction, and any failure rolls the rows back and removes the file.
// So a committed row always has its file, and a file nobody committed is removed: by the failing
// push itself or, if the process died mid-push, by reconcilePackageFiles at the next start.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readdir, rename, rm, rmdir, stat } from "node:fs/promises";
import { closeSync, constants, fsync, mkdirSync, openSync, write } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Db } from "@/lib/create-db";
import { env } from "@/lib/env";
import { constraintViolation, driverReader, driverWriter, FIND_PACKAGE, INSERT_OWNER, INSERT_REGISTRATION, INSERT_VERSION, PUSHING_KEY_STATE, type DriverStatement } from "@/lib/driver-sql";
import { packageIdKey } from "@/lib/nuget/package-id";
import type { NuGetVersion } from "@/lib/nuget/version";

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);
const { O_WRONLY, O_CREAT, O_EXCL, O_DSYNC, O_RDONLY, O_DIRECTORY } = constants;

export function packagesDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ env().PACKAGES_DIR);
}

/**
 * `<idlower>/<idlower>.<versionlower>.<versionId>.nupkg` (ids and versions are validated, so no
 * path tricks). The version row's id makes the name the push's own: it writes its file in place
 * before its rows commit, and a concurrent push of the same version never touches it.
 */
export function packageFilePath(dir: string, idKey: string, versionKey: string, versionId: string): string {
  return path.join(dir, idKey, `${idKey}.${versionKey}.${versionId}.nupkg`);
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

interface PushingKeyRow {
  revoked: boolean;
  expiresAt: Date;
}

/** Live = the row exists, is not revoked and has not expired; an unreadable expiry counts as expired. */
function isLive(row: PushingKeyRow | undefined, now: number): boolean {
  return row !== undefined && !row.revoked && row.expiresAt.getTime() > now;
}

/** How much of a package is hashed between two turns of the event loop (about 2 ms of SHA-512). */
const HASH_SLICE = 1024 * 1024;

/**
 * Writes the package's file, flushed to disk with its folder (a 201 and a committed row must
 * never outlive a power cut that loses the file), on libuv's threads while this thread hashes
 * the bytes: the two at once cost about what the slower one costs alone. Returns the SHA-512.
 * (The trace of a 1 MB push, 2026-11-26: a write, then an fdatasync, then a rename and the
 * folder's fsync inside the transaction, each waiting for this thread to finish hashing before
 * the next began, cost 1.5 to 2 ms more than this.) createHash here beats WebCrypto's threaded
 * digest (slower on a 1 MB input, and it copies it) and a worker thread (the copy and the hand-
 * over cost more than the overlap won).
 */
async function writeAndHash(file: string, bytes: Uint8Array): Promise<string> {
  const flushed = writeFlushed(file, bytes);
  const hashed = sha512(bytes);
  // settled, not Promise.all: the caller's clean-up must not race a write still running
  const [hash, written] = await Promise.allSettled([hashed, flushed]);
  if (written.status === "rejected") throw written.reason;
  if (hash.status === "rejected") throw hash.reason;
  return hash.value;
}

/**
 * The file and its folder are opened before the first await, synchronously (well under a
 * millisecond), so the write and the folder's flush are on libuv's threads before the caller's
 * hash takes this thread. O_DSYNC: the write returns once the bytes are on disk, one trip
 * where a write and an fdatasync took two.
 */
async function writeFlushed(file: string, bytes: Uint8Array): Promise<void> {
  const folder = path.dirname(file);
  const create = () => openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_DSYNC, 0o666);
  let fd: number;
  let newFolder = false;
  try {
    fd = create();
  } catch (e) {
    // the id's first push (or its folder went away: a failed push of the id cleaning up)
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    mkdirSync(folder, { recursive: true });
    newFolder = true;
    fd = create();
  }
  try {
    const written = (async () => {
      // one write call for the whole buffer; loop only if the kernel takes less
      for (let at = 0; at < bytes.byteLength; ) at += (await writeAsync(fd, bytes, at)).bytesWritten;
    })();
    // the new name is durable once its folder is flushed (and a new folder's own name, once its
    // parent is): alongside the write, not after it
    const named = Promise.all([fsyncFolder(folder), newFolder ? fsyncFolder(path.dirname(folder)) : null]);
    const [w, n] = await Promise.allSettled([written, named]);
    if (w.status === "rejected") throw w.reason;
    if (n.status === "rejected") throw n.reason;
  } finally {
    closeSync(fd);
  }
}

async function fsyncFolder(folder: string): Promise<void> {
  const fd = openSync(folder, O_RDONLY | O_DIRECTORY);
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}

async function sha512(bytes: Uint8Array): Promise<string> {
  const hash = createHash("sha512");
  for (let at = 0; at < bytes.byteLength; at += HASH_SLICE) {
    if (at > 0) await new Promise(setImmediate);
    hash.update(bytes.subarray(at, at + HASH_SLICE));
  }
  return hash.digest("base64");
}

export async function addPackageVersion(db: Db, input: NewVersion, dir = packagesDir()): Promise<AddVersionResult> {
  const idKey = packageIdKey(input.packageId);
  const versionId = randomUUID();
  const file = packageFilePath(dir, idKey, input.version.key, versionId);
  try {
    const sha512 = await writeAndHash(file, input.bytes);
    const now = new Date();
    const registrationId = input.registrationId ?? randomUUID();
    const statements: DriverStatement[] = [];
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
        sha512,
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
    if (input.pushedByKeyId) statements.push({ sql: PUSHING_KEY_STATE, params: [input.pushedByKeyId] });
    await driverWriter(db).transaction(statements, (rows) => {
      if (input.pushedByKeyId && !isLive(rows.at(-1) as PushingKeyRow | undefined, Date.now())) throw new KeyGone();
    });
    return { status: "created", versionId, registrationId };
  } catch (e) {
    // a file that cannot be removed now is one no row names: reconcilePackageFiles removes it
    await rm(file, { force: true }).catch(() => {});
    await removeIfEmpty(path.dirname(file));
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

/** A folder, only if empty (rmdir refuses a folder with a file in it, such as a concurrent push's). */
async function removeIfEmpty(folder: string): Promise<boolean> {
  try {
    await rmdir(folder);
    return true;
  } catch {
    return false; // not empty, or already gone
  }
}

/** What reconcilePackageFiles did. */
export interface Reconciled {
  /** files no row names, an hour old or more: pushes cut short by a crash */
  removed: number;
  /** files moved from the layout before 2026-11-27 to their names now */
  moved: number;
}

/**
 * Makes PACKAGES_DIR hold the files the version rows name and nothing else. Run at start-up by
 * server/main.ts, before it serves. A process that dies mid-push may leave a file no row names;
 * it is removed once it is `olderThanMs` old (younger ones may belong to a push in flight:
 * another instance's, on a shared folder). Files of the earlier layout
 * (`<id>/<version>/<id>.<version>.nupkg`) are moved to their names now, or removed like any
 * other when no row names them; its temp files (in `.tmp`) are removed once as old.
 */
export async function reconcilePackageFiles(db: Db, dir = packagesDir(), olderThanMs = 60 * 60_000, now = Date.now()): Promise<Reconciled> {
  const done: Reconciled = { removed: 0, moved: 0 };
  let ids: string[];
  try {
    ids = await readdir(dir);
  } catch {
    return done; // no pushes yet
  }
  const rows = await db.packageVersion.findMany({ select: { id: true, versionKey: true, registration: { select: { idKey: true } } } });
  const expected = new Set<string>(); // "<idKey>/<file name>"
  const byVersion = new Map<string, string>(); // "<idKey>/<versionKey>" → the file's name
  for (const { id, versionKey, registration: { idKey } } of rows) {
    const name = path.basename(packageFilePath(dir, idKey, versionKey, id));
    expected.add(`${idKey}/${name}`);
    byVersion.set(`${idKey}/${versionKey}`, name);
  }
  const removeIfStale = async (file: string) => {
    try {
      if (now - (await stat(file)).mtimeMs < olderThanMs) return;
      await rm(file, { force: true });
      done.removed++;
    } catch {
      // gone meanwhile
    }
  };

  for (const idKey of ids) {
    const idDir = path.join(dir, idKey);
    let entries;
    try {
      entries = await readdir(idDir, { withFileTypes: true });
    } catch {
      continue; // not a folder
    }
    let moved = false;
    for (const entry of entries) {
      const at = path.join(idDir, entry.name);
      if (idKey === ".tmp" || (entry.isFile() && !expected.has(`${idKey}/${entry.name}`))) {
        await removeIfStale(at);
      } else if (entry.isDirectory()) {
        // the earlier layout: a folder per version
        const current = byVersion.get(`${idKey}/${entry.name}`);
        for (const name of await readdir(at).catch(() => [])) {
          if (current && name === `${idKey}.${entry.name}.nupkg`) {
            await rename(path.join(at, name), path.join(idDir, current));
            done.moved++;
            moved = true;
          } else {
            await removeIfStale(path.join(at, name));
          }
        }
        await removeIfEmpty(at);
      }
    }
    if (moved) await fsyncFolder(idDir);
    await removeIfEmpty(idDir);
  }
  return done;
}
