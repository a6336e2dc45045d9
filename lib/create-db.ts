// Builds a Prisma client for DATABASE_URL: SQLite by default, PostgreSQL for postgres:// URLs.
// No "server-only" here so tests and scripts can import it; the app imports lib/db.ts.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { env } from "./env";
import { attachPostgresDriver, attachSqliteDriver } from "./driver-sql";
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

export function createDb(url = databaseUrl()): Db {
  if (isPostgresUrl(url)) {
    // One pool for Prisma and the driver reads and writes; $disconnect ends it.
    const pool = new pg.Pool({ connectionString: url });
    // The two generated clients differ only in $transaction isolation-level types.
    const db = new PgPrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }) as unknown as Db;
    attachPostgresDriver(db, pool);
    return db;
  }
  const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
  attachSqliteDriver(db, url);
  return db;
}
