// Derives the PostgreSQL schema from the SQLite one: same models, other provider and output.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

const src = readFileSync("prisma/schema.prisma", "utf8");
const out = src
  .replace('provider = "sqlite"', 'provider = "postgresql"')
  .replace('url      = "file:./unused.db"', 'url      = "postgresql://unused"')
  .replace('output     = "../lib/generated/sqlite"', 'output     = "../../lib/generated/postgres"');
if (out === src) throw new Error("gen-pg-schema: nothing replaced");
mkdirSync("prisma/postgres", { recursive: true });
writeFileSync("prisma/postgres/schema.prisma", "// GENERATED from prisma/schema.prisma by scripts/gen-pg-schema.mjs. Do not edit.\n" + out);
