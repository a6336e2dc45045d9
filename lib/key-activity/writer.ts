// Key activity rows written in batches, off the request path: a use is pushed onto a bounded
// buffer and written with others, one multi-row insert through the driver (lib/driver-sql.ts:
// in the front process a Prisma write on SQLite would block the event loop on another
// connection's write lock). While the database is down the buffer keeps the newest rows up to
// its capacity and counts the ones it drops; it is flushed on shutdown.
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/create-db";
import { constraintViolation, driverWriter, type DriverSql, type DriverValue } from "@/lib/driver-sql";
import { logError } from "@/lib/log";

export type ActivityResult = "allowed" | "refused";

/** One use of a key, as KeyActivity stores it. */
export interface ActivityRow {
  apiKeyId: string;
  at: Date;
  action: string;
  packageId: string | null;
  version: string | null;
  result: ActivityResult;
  status: number | null;
  failedCheck: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  /** "current" or "previous" (a rolled key's old secret during its grace); null when not told */
  secret: string | null;
}

const COLUMNS = ["id", "apiKeyId", "at", "action", "packageId", "version", "result", "status", "failedCheck", "clientAddress", "userAgent", "secret"] as const;
const PG_CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = { at: "::timestamp(3)", status: "::integer" };

/**
 * The insert of `n` rows: one statement, prepared once per size. A row whose key was deleted
 * since its use (regenerated, deleted) is left out rather than failing the batch: the driver's
 * SQLite connection enforces no foreign keys, and on PostgreSQL the batch would fail whole.
 */
export function insertActivitySql(n: number): DriverSql {
  const sqliteRows = Array.from({ length: n }, () => `(${COLUMNS.map(() => "?").join(", ")})`).join(", ");
  const pgRows = Array.from({ length: n }, (_, r) => `(${COLUMNS.map((c, i) => `$${r * COLUMNS.length + i + 1}${PG_CASTS[c] ?? ""}`).join(", ")})`).join(", ");
  const quoted = COLUMNS.map((c) => `"${c}"`).join(", ");
  return {
    name: `key_activity_insert_${n}`,
    sqlite: `INSERT INTO KeyActivity (${COLUMNS.join(", ")}) SELECT * FROM (VALUES ${sqliteRows}) AS v WHERE EXISTS (SELECT 1 FROM ApiKey k WHERE k.id = v.column2)`,
    postgresql: `INSERT INTO "KeyActivity" (${quoted}) SELECT * FROM (VALUES ${pgRows}) AS v(${quoted}) WHERE EXISTS (SELECT 1 FROM "ApiKey" k WHERE k.id = v."apiKeyId")`,
  };
}

/** Writes the rows in one statement; a key deleted in the same instant (a foreign-key error) is retried once, then filtered out. */
export async function insertKeyActivity(db: Db, rows: readonly ActivityRow[]): Promise<void> {
  if (rows.length === 0) return;
  const params: DriverValue[] = rows.flatMap((r) => [randomUUID(), r.apiKeyId, r.at, r.action, r.packageId, r.version, r.result, r.status, r.failedCheck, r.clientAddress, r.userAgent, r.secret]);
  const statement = { sql: insertActivitySql(rows.length), params };
  try {
    await driverWriter(db).transaction([statement], () => undefined);
  } catch (e) {
    if (constraintViolation(e) !== "foreign-key") throw e;
    await driverWriter(db).transaction([statement], () => undefined);
  }
}

export interface BatchWriterOptions {
  /** writes one batch; a throw keeps the batch for a later try */
  write: (rows: readonly ActivityRow[]) => Promise<void>;
  /** a batch of this many rows is written at once, without waiting (default 100) */
  maxRows?: number;
  /** rows wait at most this long before they are written (default 250 ms) */
  flushMs?: number;
  /** the most rows held; beyond it the oldest are dropped and counted (default 10,000) */
  capacity?: number;
  /** after a failed write, the next try waits this long, doubling up to maxRetryMs (defaults 250 ms, 10 s) */
  maxRetryMs?: number;
}

export interface BatchWriterStats {
  /** waiting to be written */
  pending: number;
  written: number;
  /** dropped (oldest first) because the buffer was full */
  dropped: number;
  failedWrites: number;
}

export interface BatchWriter {
  /** Queues a row; never waits, never throws. */
  add(row: ActivityRow): void;
  /** Writes everything queued, a batch at a time; resolves when done or when a write fails. */
  flush(): Promise<void>;
  /** Stops the timers and writes what is left (one try per batch), within `timeoutMs`. */
  close(timeoutMs?: number): Promise<BatchWriterStats>;
  stats(): BatchWriterStats;
}

export function createBatchWriter(opts: BatchWriterOptions): BatchWriter {
  const maxRows = Math.max(1, opts.maxRows ?? 100);
  const flushMs = Math.max(1, opts.flushMs ?? 250);
  const capacity = Math.max(maxRows, opts.capacity ?? 10_000);
  const maxRetryMs = Math.max(flushMs, opts.maxRetryMs ?? 10_000);
  let rows: ActivityRow[] = [];
  const counts = { written: 0, dropped: 0, failedWrites: 0 };
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let retryMs = flushMs;
  /** while the last write failed: new rows wait for the retry timer, not a write per add */
  let failing = false;
  let closed = false;
  let droppedLogged = 0;

  const schedule = (ms: number) => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, ms);
    // a pending flush never keeps a finishing process alive (shutdown calls close)
    timer.unref?.();
  };

  const keep = (batch: ActivityRow[]) => {
    // back at the front, in order; what does not fit is the oldest, dropped
    rows = batch.concat(rows);
    if (rows.length > capacity) {
      counts.dropped += rows.length - capacity;
      rows = rows.slice(rows.length - capacity);
    }
  };

  async function writeAll(): Promise<void> {
    while (rows.length > 0) {
      const batch = rows.slice(0, maxRows);
      rows = rows.slice(batch.length);
      try {
        await opts.write(batch);
        counts.written += batch.length;
        failing = false;
        retryMs = flushMs;
      } catch (e) {
        counts.failedWrites++;
        keep(batch);
        if (!failing) logError(`key activity: ${batch.length} row(s) not written; kept (up to ${capacity}) and tried again`, e);
        failing = true;
        if (counts.dropped > droppedLogged) {
          logError("key activity: buffer full", `${counts.dropped - droppedLogged} oldest row(s) dropped (${counts.dropped} in all)`);
          droppedLogged = counts.dropped;
        }
        retryMs = Math.min(retryMs * 2, maxRetryMs);
        return;
      }
    }
  }

  function flush(): Promise<void> {
    // one writer at a time: a flush asked for while one runs joins it, then writes what came meanwhile
    running ??= writeAll().finally(() => {
      running = null;
      if (rows.length > 0) schedule(failing ? retryMs : rows.length >= maxRows ? 0 : flushMs);
    });
    return running;
  }

  return {
    add(row) {
      if (closed) return;
      if (rows.length >= capacity) {
        rows.shift();
        counts.dropped++;
      }
      rows.push(row);
      if (failing) return schedule(retryMs);
      if (rows.length >= maxRows && !running) {
        if (timer) clearTimeout(timer);
        timer = null;
        // on the next turn of the event loop, not inside the request that filled the batch
        return schedule(0);
      }
      schedule(flushMs);
    },
    flush,
    async close(timeoutMs = 5_000) {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref?.());
      const drain = (async () => {
        if (running) await running;
        failing = false;
        await writeAll();
      })();
      await Promise.race([drain, deadline]);
      return this.stats();
    },
    stats: () => ({ pending: rows.length, ...counts }),
  };
}
