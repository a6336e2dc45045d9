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
 * about 0.3 ms of CPU for even a bare indexed lookup on SQLite (0.9 ms with the key check's
 * relations, 1.3 ms on PostgreSQL), more than the whole keyless request; the driver costs
 * about 10 µs on SQLite and 0.2 ms on PostgreSQL (bench/key-lookup-options.ts). These reads
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

function postgresReader(pool: pg.Pool): HotReader {
  return {
    provider: "postgresql",
    async one<T>(sql: HotSql, params: readonly (string | number)[]) {
      const { rows } = await pool.query({ name: sql.name, text: sql.postgresql, values: [...params] });
      return rows[0] as T | undefined;
    },
  };
}

export function createDb(url = databaseUrl()): Db {
  if (isPostgresUrl(url)) {
    // One pool for Prisma and the hot reads; $disconnect ends it.
    const pool = new pg.Pool({ connectionString: url });
    // The two generated clients differ only in $transaction isolation-level types.
    const db = new PgPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }) as unknown as Db;
    readers.set(db, postgresReader(pool));
    return db;
  }
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
  readers.set(db, sqliteReader(url));
  return db;
}
