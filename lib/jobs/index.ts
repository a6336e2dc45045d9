// The background jobs: run once by `npm run jobs` (scripts/jobs.ts, e.g. from cron), and every
// JOBS_INTERVAL_MINUTES inside the server (server/main.ts; 0 = never). Several instances may run
// them at once: each job makes its own work exactly-once (see expiry-notices.ts).
import type { Db } from "@/lib/create-db";
import { logError, logInfo } from "@/lib/log";
import { discardExpiredUploads } from "@/lib/packages/upload-files";
import { runExpiryNotices, type ExpiryNoticeResult } from "./expiry-notices";

export async function runJobs(db: Db, origin: string): Promise<{ expiryNotices: ExpiryNoticeResult; discardedUploads: number }> {
  return { expiryNotices: await runExpiryNotices(db, { origin }), discardedUploads: await discardExpiredUploads(db) };
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
      const { expiryNotices: r, discardedUploads } = await runJobs(db, origin);
      if (r.sent || r.failed) logInfo(`[jobs] expiry notices: ${r.sent} sent (${r.resumed} resumed), ${r.failed} to retry`);
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
