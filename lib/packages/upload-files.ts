// Upload Package's pending files and their clean-up, apart from lib/packages/pending-uploads.ts
// so that `npm run jobs` (tsx, outside Next) can run the sweep: nothing here is server-only.
// A pending upload's file is PACKAGES_DIR/.uploads/<user id>.<row id>.nupkg; one being received
// is .uploads/incoming-<uuid>.part.
import { readdir, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Db } from "@/lib/create-db";
import { env } from "@/lib/env";

/** The folder under PACKAGES_DIR; reconcilePackageFiles skips it (no package id starts with '.'). */
export const UPLOADS = ".uploads";

/** PACKAGES_DIR, as lib/packages/files.ts resolves it. */
export function defaultPackagesDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ env().PACKAGES_DIR);
}

export function uploadsDir(dir: string): string {
  return path.join(dir, UPLOADS);
}

export function uploadFile(dir: string, userId: string, uploadId: string): string {
  return path.join(uploadsDir(dir), `${userId}.${uploadId}.nupkg`);
}

export async function removeFile(file: string): Promise<void> {
  await unlink(file).catch(() => {});
}

/** Cancel: the row and its file; false when `uploadId` is not `userId`'s pending upload. */
export async function discardPendingUpload(db: Db, userId: string, uploadId: string, dir = defaultPackagesDir()): Promise<boolean> {
  const { count } = await db.pendingUpload.deleteMany({ where: { id: uploadId, userId } });
  if (count > 0) await removeFile(uploadFile(dir, userId, uploadId));
  return count > 0;
}

/** At most this many expired rows per run; the next run takes the rest. */
const SWEEP_BATCH = 1000;

/**
 * The jobs' sweep: expired pending uploads, and files no row names (a process that died between
 * receiving and staging) once they are as old as a pending upload may be.
 */
export async function discardExpiredUploads(db: Db, dir = defaultPackagesDir(), now = new Date()): Promise<number> {
  const expired = await db.pendingUpload.findMany({ where: { expiresAt: { lte: now } }, select: { id: true, userId: true }, take: SWEEP_BATCH });
  let discarded = 0;
  for (const row of expired) if (await discardPendingUpload(db, row.userId, row.id, dir)) discarded++;
  const names = await readdir(uploadsDir(dir)).catch(() => [] as string[]);
  if (names.length === 0) return discarded;
  const live = new Set((await db.pendingUpload.findMany({ select: { id: true, userId: true } })).map((r) => path.basename(uploadFile(dir, r.userId, r.id))));
  const maxAge = env().UPLOAD_PENDING_MINUTES * 60_000;
  for (const name of names) {
    if (live.has(name)) continue;
    const file = path.join(uploadsDir(dir), name);
    const age = await stat(file).then((s) => now.getTime() - s.mtimeMs, () => -1);
    if (age >= maxAge) await removeFile(file);
  }
  return discarded;
}
