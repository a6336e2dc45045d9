// Builds a Prisma client for DATABASE_URL: SQLite by default, PostgreSQL for postgres:// URLs.
// No "server-only" here so tests and scripts can import it; the app imports lib/db.ts.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "./env";
import { attachPostgresDriver, attachSqliteDriver } from "./driver-sql";
import { serializedSqliteAdapter } from "./sqlite-adapter";
import { PrismaClient, type Prisma } from "./generated/sqlite/client";
import { PrismaClient as PgPrismaClient } from "./generated/postgres/client";

/** The app is typed against the SQLite client; the PostgreSQL one has the same models. */
export type Db = PrismaClient;

/** The client inside an interactive transaction ($transaction(async (tx) => …)). */
export type DbTransaction = Prisma.TransactionClient;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function databaseUrl(): string {
  return env().DATABASE_URL;
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

/**
 * Prisma gives a transaction 2 s to get its connection (PostgreSQL's pool, SQLite's lock) and then
 * fails the request. A burst of writes (100 key creations at once, a loaded machine) can queue
 * longer than that without anything being wrong, so they may wait up to 10 s; the 5 s a
 * transaction may then run stays Prisma's.
 */
const transactionOptions = { maxWait: 10_000 };

export function createDb(url = databaseUrl()): Db {
  if (isPostgresUrl(url)) {
    // One pool for Prisma and the driver reads and writes; $disconnect ends it.
    const pool = resilientPool(url);
    // The two generated clients differ only in $transaction isolation-level types.
    const db = new PgPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }), transactionOptions }) as unknown as Db;
    attachPostgresDriver(db, pool);
    return db;
  }
  // one connection for all of Prisma's queries: those outside a transaction wait while one is open (see sqlite-adapter.ts)
  const db = new PrismaClient({ adapter: serializedSqliteAdapter(new PrismaBetterSQLite3({ url })), transactionOptions });
  attachSqliteDriver(db, url);
  return db;
}
