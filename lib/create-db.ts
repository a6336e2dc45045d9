// Builds a Prisma client for DATABASE_URL: SQLite by default, PostgreSQL for postgres:// URLs.
// No "server-only" here so tests and scripts can import it; the app imports lib/db.ts.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
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

export function createDb(url = databaseUrl()): Db {
  if (isPostgresUrl(url)) {
    // The two generated clients differ only in $transaction isolation-level types.
    return new PgPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  }
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}
