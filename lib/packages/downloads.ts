// Download counts: every .nupkg served (flat container, /api/v2/package) adds one to its
// version's downloadCount and its id's totalDownloads. A download only bumps a number in memory;
// the numbers are written every FLUSH_MS, as increments (never overwrites), so any number of
// instances add up exactly. At most MAX_PENDING versions wait at once; the server writes what is
// left when it stops (server/main.ts).
import "server-only";
import type { Db } from "@/lib/create-db";
import { driverWriter, type DriverSql, type DriverStatement } from "@/lib/driver-sql";
import { logError } from "@/lib/log";

export const FLUSH_MS = 1000;
/** Versions counted and not yet written; a full table is written at once, and beyond that counts are dropped (and logged). */
export const MAX_PENDING = 10_000;

const ADD_VERSION_DOWNLOADS: DriverSql = {
  name: "downloads_add_version",
  sqlite: `UPDATE PackageVersion SET downloadCount = downloadCount + ? WHERE id = ?`,
  postgresql: `UPDATE "PackageVersion" SET "downloadCount" = "downloadCount" + $1 WHERE id = $2`,
};

const ADD_REGISTRATION_DOWNLOADS: DriverSql = {
  name: "downloads_add_registration",
  sqlite: `UPDATE PackageRegistration SET totalDownloads = totalDownloads + ? WHERE id = ?`,
  postgresql: `UPDATE "PackageRegistration" SET "totalDownloads" = "totalDownloads" + $1 WHERE id = $2`,
};

export const DOWNLOAD_STATEMENTS = [ADD_VERSION_DOWNLOADS, ADD_REGISTRATION_DOWNLOADS];

interface Pending {
  registrationId: string;
  n: number;
}

export class DownloadCounter {
  private pending = new Map<string, Pending>();
  private flushing: Promise<void> = Promise.resolve();
  /** a batch taken and waiting behind the one being written: then a flush takes no other */
  private queued = false;
  private timer: NodeJS.Timeout | null = null;
  private dropped = 0;

  constructor(
    private readonly db: Db,
    private readonly options: { flushMs?: number; maxPending?: number } = {},
  ) {}

  private get maxPending() {
    return this.options.maxPending ?? MAX_PENDING;
  }

  /** One download of the version; written within FLUSH_MS. */
  count(versionId: string, registrationId: string): void {
    const entry = this.pending.get(versionId);
    if (entry) entry.n++;
    else if (this.pending.size < this.maxPending) this.pending.set(versionId, { registrationId, n: 1 });
    else {
      // two batches are being written already: the database has not kept up
      if (this.dropped++ === 0) logError("downloads", new Error(`more than ${this.maxPending} versions downloaded within one flush: counts dropped`));
      return;
    }
    if (this.pending.size >= this.maxPending) void this.flush();
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush(), this.options.flushMs ?? FLUSH_MS);
      // the timer never keeps a stopping process alive
      this.timer.unref();
    }
  }

  /**
   * Takes what is counted so far (at once: the table is free for new counts) and writes it after
   * any write under way; one write at a time, and at most one batch waits, so memory stays within
   * three tables. A failed write puts its counts back for the next.
   */
  flush(): Promise<void> {
    if (this.pending.size === 0) return this.flushing;
    // a batch already waits: what is counted now is taken once that one is written
    if (this.queued) return this.flushing.then(() => this.flush());
    const batch = this.pending;
    this.pending = new Map();
    this.dropped = 0;
    this.queued = true;
    this.flushing = this.flushing.then(() => {
      this.queued = false;
      return this.write(batch);
    });
    return this.flushing;
  }

  /** Downloads counted and not yet written. */
  pendingDownloads(): number {
    let n = 0;
    for (const entry of this.pending.values()) n += entry.n;
    return n;
  }

  /** The last flush, then no timer. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(batch: Map<string, Pending>): Promise<void> {
    const registrations = new Map<string, number>();
    for (const { registrationId, n } of batch.values()) registrations.set(registrationId, (registrations.get(registrationId) ?? 0) + n);
    // rows updated in id order, versions then registrations, so two instances' flushes never
    // wait on each other in a circle (PostgreSQL deadlocks)
    const byId = <T>(a: [string, T], b: [string, T]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    const statements: DriverStatement[] = [
      ...[...batch.entries()].sort(byId).map(([id, { n }]) => ({ sql: ADD_VERSION_DOWNLOADS, params: [n, id] })),
      ...[...registrations.entries()].sort(byId).map(([id, n]) => ({ sql: ADD_REGISTRATION_DOWNLOADS, params: [n, id] })),
    ];
    try {
      await driverWriter(this.db).transaction(statements, () => undefined);
    } catch (e) {
      logError("downloads: the counts could not be written (kept for the next try)", e);
      for (const [id, entry] of batch) {
        const now = this.pending.get(id);
        if (now) now.n += entry.n;
        else if (this.pending.size < this.maxPending) this.pending.set(id, entry);
      }
    }
  }
}

// One counter per process, on globalThis: the route handlers (Next's bundle) count, and
// server/main.ts (its own bundle) flushes it when the process stops.
const globalForDownloads = globalThis as unknown as { nugetDownloads?: DownloadCounter };

/** Counts one download of the version with the app's counter. */
export function countDownload(db: Db, versionId: string, registrationId: string): void {
  (globalForDownloads.nugetDownloads ??= new DownloadCounter(db)).count(versionId, registrationId);
}

/** Writes the app's pending counts (on shutdown). */
export async function flushDownloads(): Promise<void> {
  await globalForDownloads.nugetDownloads?.stop();
}
