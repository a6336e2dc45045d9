// Builds a Prisma client for DATABASE_URL: SQLite by default, PostgreSQL for postgres:// URLs.
// No "server-only" here so tests and scripts can import it; the app imports lib/db.ts.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import pg from "pg";
import { PrismaClient } from "./generated/sqlite/client";
import { PrismaClient as PgPrismaClient } from "./generated/postgres/client";

/** The app is typed against the SQLite client; the PostgreSQL one has the same models. */
export type Db = PrismaClient;

export const DEFAULT_DATABASE_URL = "file:./.data/nuget.db";

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** One statement written for each engine (identifiers, JSON functions and dates differ). */
export interface HotSql {
  /** names the statement: prepared once per connection on both engines */
  name: string;
  sqlite: string;
  /** $1, $2… in the same order as the SQLite statement's ? */
  postgresql: string;
}

/**
 * Single-row reads on the API's per-request path, straight through the driver. Prisma costs
 * about 0.3 ms of CPU for even a bare indexed lookup on SQLite (0.9-1.7 ms with the key
 * check's relations, 1.3-1.9 ms on PostgreSQL), more than the whole keyless request; the
 * driver costs 10-16 µs on SQLite and 0.1-0.2 ms on PostgreSQL (bench/key-lookup-options.ts,
 * on two machines). These reads
 * see every committed write at once, from any process: nothing is cached but the statement.
 * Only data-layer modules use it, through `hotReader(db)`.
 */
export interface HotReader {
  provider: "sqlite" | "postgresql";
  one<T>(sql: HotSql, params: readonly (string | number)[]): Promise<T | undefined>;
}

// On globalThis, as lib/db.ts keeps its client: `next dev` may evaluate this module again
const globalForReaders = globalThis as unknown as { nugetKeysHotReaders?: WeakMap<Db, HotReader> };
const readers = (globalForReaders.nugetKeysHotReaders ??= new WeakMap());

/** The hot-path reader of a client made by createDb (the same database, read-only use). */
export function hotReader(db: Db): HotReader {
  const reader = readers.get(db);
  if (!reader) throw new Error("hotReader: the client was not made by createDb (a transaction client has none)");
  return reader;
}

function sqliteReader(url: string): HotReader {
  // Its own connection, not Prisma's: in WAL mode a reader never waits for a writer, and it
  // never sees another request's uncommitted transaction on the shared connection.
  let conn: Database.Database | null = null;
  const statements = new Map<string, Database.Statement>();
  return {
    provider: "sqlite",
    async one<T>(sql: HotSql, params: readonly (string | number)[]) {
      // the same path rule as the Prisma adapter; opened on first use, after migrations ran
      conn ??= new Database(url.replace(/^file:/, ""), { fileMustExist: true });
      let stmt = statements.get(sql.name);
      if (!stmt) statements.set(sql.name, (stmt = conn.prepare(sql.sqlite)));
      return stmt.get(...params) as T | undefined;
    },
  };
}

/** A parameter of a hot write; Dates and booleans are stored as Prisma's adapters store them. */
export type HotValue = string | number | boolean | Date | null;

export interface HotStatement {
  sql: HotSql;
  params: readonly HotValue[];
}

/**
 * The API's writes straight through the driver: the push's (lib/packages/store.ts), where a
 * Prisma interactive transaction cost about 3 ms of a 4 ms push, and touchKey's, which runs in
 * the front process too, where a Prisma write on SQLite would busy-wait for another process's
 * write lock with the event loop blocked (here a busy database is retried asynchronously).
 * `transaction` runs the statements in order, then
 * `beforeCommit` with each statement's first row (undefined when it answers none), then
 * commits; anything thrown rolls back and is rethrown, driver errors with their own codes (see
 * constraintViolation). `beforeCommit` is synchronous: on SQLite the whole transaction is one
 * synchronous block, so the write lock is never held across an await.
 * Only data-layer modules use it, through `hotWriter(db)`.
 */
export interface HotWriter {
  provider: "sqlite" | "postgresql";
  transaction<T>(statements: readonly HotStatement[], beforeCommit: (rows: readonly unknown[]) => T): Promise<T>;
}

/** Which constraint a hot write broke, on either engine; null for any other error. */
export function constraintViolation(e: unknown): "unique" | "foreign-key" | null {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "23505") return "unique";
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY" || code === "23503") return "foreign-key";
  return null;
}

const globalForWriters = globalThis as unknown as { nugetKeysHotWriters?: WeakMap<Db, HotWriter> };
const writers = (globalForWriters.nugetKeysHotWriters ??= new WeakMap());

/** The hot-path writer of a client made by createDb (the same database). */
export function hotWriter(db: Db): HotWriter {
  const writer = writers.get(db);
  if (!writer) throw new Error("hotWriter: the client was not made by createDb (a transaction client has none)");
  return writer;
}

/** How long a write waits for another connection's write lock: Prisma's interactive transactions wait as long (maxWait). */
const SQLITE_MAX_WAIT_MS = 30_000;
const BUSY = Symbol("busy");

function sqliteWriter(url: string): HotWriter {
  // Its own connection, with busy timeout 0: Prisma's connection in this process may hold the
  // write lock across an await (an interactive transaction), and a driver busy-wait would block
  // the event loop that transaction needs to finish — a deadlock until the timeout. So a busy
  // database is retried here, asynchronously. WAL is assumed (scripts/prepare-db.mjs sets it):
  // COMMIT then never waits for readers, so after BEGIN IMMEDIATE nothing here can be busy. (In
  // rollback-journal mode a reader's open transaction makes COMMIT fail: the push fails, rolled back.)
  let conn: Database.Database | null = null;
  const statements = new Map<string, Database.Statement>();
  const prepare = (name: string, sql: string) => {
    let stmt = statements.get(name);
    if (!stmt) statements.set(name, (stmt = conn!.prepare(sql)));
    return stmt;
  };
  const toSqlite = (v: HotValue) => (v instanceof Date ? v.toISOString().replace("Z", "+00:00") : typeof v === "boolean" ? Number(v) : v);
  const isBusy = (e: unknown) => String((e as { code?: unknown } | null)?.code).startsWith("SQLITE_BUSY");

  /** One try, synchronous from BEGIN to COMMIT; BUSY when another connection holds the write lock. */
  function attempt<T>(list: readonly HotStatement[], beforeCommit: (rows: readonly unknown[]) => T): T | typeof BUSY {
    try {
      conn ??= new Database(url.replace(/^file:/, ""), { fileMustExist: true, timeout: 0 });
      prepare("BEGIN IMMEDIATE", "BEGIN IMMEDIATE").run();
    } catch (e) {
      if (isBusy(e)) return BUSY;
      throw e;
    }
    try {
      const rows = list.map(({ sql, params }) => {
        const stmt = prepare(sql.name, sql.sqlite);
        const values = params.map(toSqlite);
        return stmt.reader ? stmt.get(...values) : void stmt.run(...values);
      });
      const result = beforeCommit(rows);
      prepare("COMMIT", "COMMIT").run();
      return result;
    } catch (e) {
      if (conn.inTransaction) prepare("ROLLBACK", "ROLLBACK").run();
      throw e;
    }
  }

  return {
    provider: "sqlite",
    async transaction(list, beforeCommit) {
      const start = Date.now();
      for (let pause = 1; ; pause = Math.min(pause + 1, 5)) {
        const result = attempt(list, beforeCommit);
        if (result !== BUSY) return result;
        if (Date.now() - start > SQLITE_MAX_WAIT_MS) throw new Error(`hotWriter: the SQLite database stayed locked for ${SQLITE_MAX_WAIT_MS / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    },
  };
}

function postgresWriter(pool: pg.Pool): HotWriter {
  // A timestamp without time zone ignores the Z: the UTC wall time, as Prisma stores it (pg's
  // own Date conversion would write local time)
  const toPg = (v: HotValue) => (v instanceof Date ? v.toISOString() : v);
  return {
    provider: "postgresql",
    async transaction(list, beforeCommit) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const rows: unknown[] = [];
        for (const { sql, params } of list) {
          rows.push((await client.query({ name: sql.name, text: sql.postgresql, values: params.map(toPg) })).rows[0]);
        }
        const result = beforeCommit(rows);
        await client.query("COMMIT");
        return result;
      } catch (e) {
        await client.query("ROLLBACK").catch((rollbackFailed: Error) => (broken = rollbackFailed));
        throw e;
      } finally {
        // a connection that could not roll back is discarded, not returned to the pool
        client.release(broken);
      }
    },
  };
}

function postgresReader(pool: pg.Pool): HotReader {
  return {
    provider: "postgresql",
    async one<T>(sql: HotSql, params: readonly (string | number)[]) {
      const { rows } = await pool.query({ name: sql.name, text: sql.postgresql, values: [...params] });
      return rows[0] as T | undefined;
    },
  };
}

/** PostgreSQL's codes for a connection the server ended (57P0x) or lost (08xxx, class "connection exception"). */
const CONNECTION_LOST_CODES = /^(57P0[123]|08\d{3}|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)$/;
/** The same, as pg, Prisma and its adapter word it when there is no code. */
const CONNECTION_LOST_TEXT =
  /Connection terminated|terminating connection due to administrator command|Client has encountered a connection error|Connection ended unexpectedly|server closed the connection|Can't reach database server|ConnectionClosed|DatabaseNotReachable/i;

/**
 * Whether an error says the database connection was lost (the server ended it, a restart, a
 * network cut) rather than that the statement failed: what a retry on a new connection may
 * cure, so the client is answered 503 (try again), not 500. Either engine: SQLite has no
 * connection to lose, so its errors never are. Walks Prisma's and its adapter's wrappers.
 */
export function isConnectionLost(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 5) return false;
  const err = e as { code?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof err.code === "string" && CONNECTION_LOST_CODES.test(err.code)) return true;
  if (typeof err.originalCode === "string" && CONNECTION_LOST_CODES.test(err.originalCode)) return true;
  if (err.kind === "ConnectionClosed" || err.kind === "DatabaseNotReachable") return true;
  if (typeof err.message === "string" && CONNECTION_LOST_TEXT.test(err.message)) return true;
  return isConnectionLost(err.cause, depth + 1) || isConnectionLost(err.meta?.driverAdapterError, depth + 1);
}

/**
 * How often a read that lost its connection is tried again, each time on a new one, after
 * 20, 40, 80, 160 and 320 ms: a page's reads ride out the server ending every connection
 * several times over about 0.6 s (a restart or failover ends them once).
 */
const READ_RETRIES = 5;

/**
 * The pool every PostgreSQL client of createDb uses, made to survive its connections being
 * cut (the server restarting, an administrator ending backends, a network blip):
 * - pg emits 'error' on a client whose connection ends, idle in the pool or checked out
 *   between two queries (the push's transaction); with no listener that is an uncaught
 *   exception and the process dies. PrismaPg listens on the pool only once Prisma first
 *   connects, and never on the clients the hot writer checks out. So both get a listener here
 *   (the pool has already discarded the client: there is nothing else to do);
 * - a plain read (one SELECT outside a transaction: Prisma's and the hot reader's reads go
 *   through pool.query) that lost its connection is run again on a new one: it changed
 *   nothing, so it is safe to repeat (a SELECT of a function with side effects would not be:
 *   the app runs none). Writes and transactions are not: their error reaches the caller (the
 *   push answers 503).
 */
function resilientPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url });
  const lost = (err: Error) => console.error(`database connection lost: ${err.message}`);
  pool.on("error", lost);
  pool.on("connect", (client) => client.on("error", () => {}));
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  pool.query = (async (...args: unknown[]) => {
    const [config] = args;
    const text = typeof config === "string" ? config : (config as { text?: unknown } | null)?.text;
    // a callback caller, or anything but a lone SELECT: as pg does it
    if (typeof args.at(-1) === "function" || typeof text !== "string" || !/^\s*SELECT\b/i.test(text) || /;\s*\S/.test(text)) return query(...args);
    for (let attempt = 0; ; attempt++) {
      try {
        return await query(...args);
      } catch (e) {
        if (attempt >= READ_RETRIES || !isConnectionLost(e)) throw e;
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      }
    }
  }) as typeof pool.query;
  return pool;
}

export function createDb(url = databaseUrl()): Db {
  if (isPostgresUrl(url)) {
    // One pool for Prisma and the hot reads and writes; $disconnect ends it.
    const pool = resilientPool(url);
    // The two generated clients differ only in $transaction isolation-level types.
    const db = new PgPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }) as unknown as Db;
    readers.set(db, postgresReader(pool));
    writers.set(db, postgresWriter(pool));
    return db;
  }
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
  readers.set(db, sqliteReader(url));
  writers.set(db, sqliteWriter(url));
  return db;
}
