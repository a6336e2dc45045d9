// The .nupkg files under PACKAGES_DIR: written (and flushed) before the version's row commits,
// and reconciled with the rows at start-up. Each push's file has an in-flight marker in
// PACKAGES_DIR/.pushing/ from before the file exists until its row committed or the file is
// removed, so a restart can tell a dead process's half-written file from a live one's.
import "server-only";
import { createHash } from "node:crypto";
import { closeSync, constants, fsync, mkdirSync, openSync, readFileSync, write } from "node:fs";
import { readdir, rmdir, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Db } from "@/lib/create-db";
import { env } from "@/lib/env";
// Upload Package's pending files: swept by the jobs (upload-files.ts), not here
import { UPLOADS } from "./upload-files";

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

/** The folder of in-flight markers; a dot name no package id can have (ids start with a letter or digit). */
const PUSHING = ".pushing";
/** "@" appears in no package id or version, nor in an encoded host name ("~" joins its parts). */
const SEP = "@";

/**
 * This machine in a marker's name: its host name and, where Linux tells it, the kernel's boot
 * id, so two machines given one host name (replicas with a fixed hostname) do not take each
 * other's pids for their own, and a reboot does not either.
 */
export const MARKER_HOST = [hostname(), bootId()].filter(Boolean).map(encodeURIComponent).join("~");

function bootId(): string {
  try {
    return readFileSync(/*turbopackIgnore: true*/ "/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

/**
 * `.pushing/<host>@<pid>@<idKey>@<file name>`: who writes the file (a restart on this host
 * asks whether that pid is alive) and which file it is. Empty and never flushed: a power cut
 * may lose it, and then the file falls back to the age rule (see reconcilePackageFiles).
 */
function markerPath(file: string, dir: string): string {
  const name = [MARKER_HOST, process.pid, path.basename(path.dirname(file)), path.basename(file)].join(SEP);
  return path.join(dir, PUSHING, name);
}

function createMarker(marker: string): void {
  const create = () => closeSync(openSync(marker, O_WRONLY | O_CREAT | O_EXCL, 0o666));
  try {
    create();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    mkdirSync(path.dirname(marker), { recursive: true });
    create();
  }
}

/** How much of a package is hashed between two turns of the event loop (a few ms of SHA-512). */
const HASH_SLICE = 1024 * 1024;

/**
 * Writes a push's package file under its in-flight marker and returns its SHA-512. The caller
 * then commits its row and calls `settlePackageFile`, or calls `removePackageFile`.
 *
 * The file is flushed to disk with its folder (a 201 and a committed row must never outlive a
 * power cut that loses the file), on libuv's threads while this thread hashes the bytes: the
 * two at once cost about what the slower one costs alone, where a write, an fdatasync, a rename
 * and the folder's fsync one after another each waited for the hash. createHash here beats
 * WebCrypto's threaded digest and a worker thread (the copy and the hand-over cost more than the
 * overlap won). bench/push-api.ts has the figures.
 */
export async function writePackageFile(file: string, bytes: Uint8Array, dir = packagesDir()): Promise<string> {
  createMarker(markerPath(file, dir));
  const flushed = writeFlushed(file, bytes);
  const hashed = sha512(bytes);
  // settled, not Promise.all: the caller's clean-up must not race a write still running
  const [hash, written] = await Promise.allSettled([hashed, flushed]);
  if (written.status === "rejected") throw written.reason;
  if (hash.status === "rejected") throw hash.reason;
  return hash.value;
}

/** The file's row committed: it is no longer in flight. */
export async function settlePackageFile(file: string, dir = packagesDir()): Promise<void> {
  await unlink(markerPath(file, dir)).catch(() => {});
}

/**
 * A push that failed removes its file (and its id's folder if that is now empty), then its
 * marker. A file that cannot be removed now keeps its marker: the next start removes it.
 */
export async function removePackageFile(file: string, dir = packagesDir()): Promise<void> {
  try {
    await unlink(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") return; // never written, or its folder never made
  }
  await removeIfEmpty(path.dirname(file));
  await settlePackageFile(file, dir);
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

/** A folder, only if empty (rmdir refuses a folder with a file in it, such as a concurrent push's). */
async function removeIfEmpty(folder: string): Promise<boolean> {
  try {
    await rmdir(folder);
    return true;
  } catch {
    return false; // not empty, or already gone
  }
}

/** Whether a process of this host with that pid is running (EPERM: it is, as another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What reconcilePackageFiles did. */
export interface Reconciled {
  /** files no row names: pushes cut short by a crash */
  removed: number;
}

/**
 * Makes PACKAGES_DIR hold the files the version rows name and nothing else. Run at start-up,
 * before serving. A process that dies mid-push may leave a file no row names:
 * - its marker names this host and a pid that is not running (or is ours: this process serves
 *   nothing yet, so a marker with our pid is a dead process's whose pid came round again):
 *   the file is removed at once, unless a row names it (the process died after the commit);
 * - no marker of a dead process (another host's push, one whose pid is taken by some other
 *   process now, a marker lost to a power cut): the file is removed once `olderThanMs` old, as
 *   younger ones may belong to a push in flight on a shared folder. Markers that old go too.
 */
export async function reconcilePackageFiles(db: Db, dir = packagesDir(), olderThanMs = 60 * 60_000, now = Date.now()): Promise<Reconciled> {
  const done: Reconciled = { removed: 0 };
  let ids: string[];
  try {
    ids = await readdir(dir);
  } catch {
    return done; // no pushes yet
  }
  const rows = await db.packageVersion.findMany({ select: { id: true, versionKey: true, registration: { select: { idKey: true } } } });
  const expected = new Set<string>(); // "<idKey>/<file name>"
  for (const { id, versionKey, registration: { idKey } } of rows) {
    expected.add(`${idKey}/${path.basename(packageFilePath(dir, idKey, versionKey, id))}`);
  }
  const isStale = async (file: string) => now - (await stat(file)).mtimeMs >= olderThanMs;
  const remove = async (file: string) => {
    try {
      await unlink(file);
      done.removed++;
    } catch {
      // gone meanwhile
    }
  };

  for (const name of await readdir(path.join(dir, PUSHING)).catch(() => [])) {
    const marker = path.join(dir, PUSHING, name);
    const [markerHost, pid, idKey, file] = name.split(SEP);
    const dead = markerHost === MARKER_HOST && (Number(pid) === process.pid || !isAlive(Number(pid)));
    if (dead && idKey && file) {
      if (!expected.has(`${idKey}/${file}`)) await remove(path.join(dir, idKey, file));
      await unlink(marker).catch(() => {});
    } else if (await isStale(marker).catch(() => false)) {
      await unlink(marker).catch(() => {});
    }
  }

  for (const idKey of ids) {
    if (idKey === PUSHING || idKey === UPLOADS) continue;
    const idDir = path.join(dir, idKey);
    let entries;
    try {
      entries = await readdir(idDir, { withFileTypes: true });
    } catch {
      continue; // not a folder
    }
    for (const entry of entries) {
      const file = path.join(idDir, entry.name);
      if (entry.isFile() && !expected.has(`${idKey}/${entry.name}`) && (await isStale(file).catch(() => false))) await remove(file);
    }
    await removeIfEmpty(idDir);
  }
  return done;
}
