// Guards the two things a schema change can forget: regenerating the PostgreSQL schema and
// writing a migration (the snapshot is updated by `npm run db:migration`).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const before = readFileSync("prisma/postgres/schema.prisma", "utf8");
execFileSync("node", ["scripts/gen-pg-schema.mjs"]);
let ok = true;
if (readFileSync("prisma/postgres/schema.prisma", "utf8") !== before) {
  console.error("prisma/postgres/schema.prisma was stale: run `node scripts/gen-pg-schema.mjs` and commit it.");
  ok = false;
}
if (readFileSync("prisma/schema.prisma", "utf8") !== readFileSync("prisma/migrated.schema.prisma.snapshot", "utf8")) {
  console.error("prisma/schema.prisma changed without a migration: run `npm run db:migration <name>`.");
  ok = false;
}
process.exit(ok ? 0 : 1);
