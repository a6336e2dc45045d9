// Key activity read back (a key row's last uses on the API Keys page) and pruned (the job).
import type { Db } from "@/lib/create-db";

/** What a key row shows when expanded. */
export const ACTIVITY_SHOWN = 50;

export interface ActivityEntry {
  at: Date;
  action: string;
  packageId: string | null;
  version: string | null;
  result: string;
  status: number | null;
  failedCheck: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  secret: string | null;
}

/**
 * The last uses of the user's key, newest first; null when `keyId` is not a key of this user
 * (another account's id answers exactly like a missing one).
 */
export async function listKeyActivity(db: Db, userId: string, keyId: string): Promise<ActivityEntry[] | null> {
  const key = await db.apiKey.findFirst({ where: { id: keyId, userId }, select: { id: true } });
  if (!key) return null;
  return db.keyActivity.findMany({
    where: { apiKeyId: key.id },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: ACTIVITY_SHOWN,
    select: { at: true, action: true, packageId: true, version: true, result: true, status: true, failedCheck: true, clientAddress: true, userAgent: true, secret: true },
  });
}

export interface PruneOptions {
  retentionDays: number;
  now?: Date;
  /** rows deleted per statement (default 1,000): no statement holds the write lock long */
  batchSize?: number;
}

export interface PruneResult {
  deleted: number;
  /** delete statements run */
  batches: number;
}

/** Deletes the rows older than the retention, a bounded batch at a time (by the `at` index). */
export async function pruneKeyActivity(db: Db, { retentionDays, now = new Date(), batchSize = 1_000 }: PruneOptions): Promise<PruneResult> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  const size = Math.max(1, Math.min(batchSize, 10_000));
  const result: PruneResult = { deleted: 0, batches: 0 };
  for (;;) {
    const old = await db.keyActivity.findMany({ where: { at: { lt: before } }, orderBy: { at: "asc" }, take: size, select: { id: true } });
    if (old.length === 0) break;
    const { count } = await db.keyActivity.deleteMany({ where: { id: { in: old.map((r) => r.id) } } });
    result.deleted += count;
    result.batches++;
    if (old.length < size) break;
  }
  return result;
}
