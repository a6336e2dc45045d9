// Prisma CLI config: picks the schema, migrations and driver adapter from DATABASE_URL,
// so `prisma migrate deploy` works for SQLite (default) and PostgreSQL alike.
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
// adapter-pg 6.19 fails `migrate deploy` ("Column type 'name' could not be deserialized",
// prisma/orm#27403); the 7.x adapter works with the 6.19 CLI. Runtime uses 6.19.
import { PrismaPg } from "@prisma/adapter-pg-7";
import { mkdirSync } from "node:fs";

const url = process.env.DATABASE_URL ?? "file:./.data/nuget.db";
const isPg = /^postgres(ql)?:\/\//.test(url);
// better-sqlite3 creates the file but not its folder (.data/ on a fresh clone).
if (!isPg) mkdirSync(".data", { recursive: true });

// The wasm engine leaves a 10 s timer behind on PostgreSQL; unref it so the CLI exits at once.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: () => void, ms?: number) => {
  const t = realSetTimeout(fn, ms);
  if ((ms ?? 0) >= 10_000) t.unref();
  return t;
}) as typeof setTimeout;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPg ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: isPg ? "prisma/postgres/migrations" : "prisma/migrations" },
  async adapter() {
    return isPg
      ? new PrismaPg({ connectionString: url, allowExitOnIdle: true })
      : new PrismaBetterSQLite3({ url });
  },
});
