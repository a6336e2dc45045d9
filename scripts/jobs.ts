// npm run jobs: the background jobs once (lib/jobs), against DATABASE_URL, then exit. For a cron
// entry when the servers run with JOBS_INTERVAL_MINUTES=0; safe beside running servers.
import { checkEnv } from "@/lib/env";
import { createDb } from "@/lib/create-db";
import { appOrigin } from "@/lib/request-context";
import { runJobs } from "@/lib/jobs";

checkEnv();
const db = createDb();
try {
  const { expiryNotices: r, activityPruned: p, shortLivedKeysDeleted, discardedUploads } = await runJobs(db, appOrigin(null));
  console.log(`expiry notices: ${r.sent} sent (${r.resumed} resumed), ${r.failed} to retry`);
  console.log(`key activity: ${p.deleted} row(s) past the retention deleted`);
  console.log(`expired short-lived keys deleted: ${shortLivedKeysDeleted}`);
  console.log(`expired pending uploads discarded: ${discardedUploads}`);
  if (r.failed) process.exitCode = 1;
} finally {
  await db.$disconnect();
}
