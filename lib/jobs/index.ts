// The background jobs: run once by `npm run jobs` (scripts/jobs.ts, e.g. from cron), and every
// JOBS_INTERVAL_MINUTES inside the server (server/main.ts; 0 = never). Several instances may run
// them at once: each job makes its own work exactly-once (see expiry-notices.ts), or is
// harmless twice (pruning the keys' activity deletes what is past the retention).
import type { Db } from "@/lib/create-db";
import { env } from "@/lib/env";
import { logError, logInfo } from "@/lib/log";
import { pruneKeyActivity, type PruneResult } from "@/lib/key-activity/store";
import { discardExpiredUploads } from "@/lib/packages/upload-files";
import { deleteExpiredShortLivedKeys } from "@/lib/trusted-publishing/short-lived-keys";
import { runExpiryNotices, type ExpiryNoticeResult } from "./expiry-notices";

export interface JobsResult {
  expiryNotices: ExpiryNoticeResult;
  activityPruned: PruneResult;
  shortLivedKeysDeleted: number;
  discardedUploads: number;
}

export async function runJobs(db: Db, origin: string, now = new Date()): Promise<JobsResult> {
  const expiryNotices = await runExpiryNotices(db, { origin, now });
  const activityPruned = await pruneKeyActivity(db, { retentionDays: env().KEY_ACTIVITY_RETENTION_DAYS, now });
  const shortLivedKeysDeleted = await deleteExpiredShortLivedKeys(db, now);
  const discardedUploads = await discardExpiredUploads(db, undefined, now);
  return { expiryNotices, activityPruned, shortLivedKeysDeleted, discardedUploads };
}

/** Runs the jobs a minute after start, then every `intervalMinutes`; returns a stop function. */
export function startJobs(db: Db, { intervalMinutes, origin }: { intervalMinutes: number; origin: string }): () => void {
  if (intervalMinutes <= 0) return () => {};
  let running = false;
  const tick = async () => {
    // a slow run is not overlapped by the next tick of this process
    if (running) return;
    running = true;
    try {
      const { expiryNotices: r, activityPruned: p, shortLivedKeysDeleted: s, discardedUploads } = await runJobs(db, origin);
      if (r.sent || r.failed) logInfo(`[jobs] expiry notices: ${r.sent} sent (${r.resumed} resumed), ${r.failed} to retry`);
      if (p.deleted) logInfo(`[jobs] key activity: ${p.deleted} row(s) past the retention deleted`);
      if (s) logInfo(`[jobs] short-lived keys: ${s} expired key(s) deleted`);
      if (discardedUploads) logInfo(`[jobs] ${discardedUploads} expired pending upload(s) discarded`);
    } catch (e) {
      logError("[jobs] run failed", e);
    } finally {
      running = false;
    }
  };
  const first = setTimeout(tick, 60_000);
  const every = setInterval(tick, intervalMinutes * 60_000);
  // the timers never keep a stopping process alive
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
