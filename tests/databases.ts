// Runs a data-layer suite twice: on SQLite and on PostgreSQL, each a fresh migrated database.
// Never a mock: these are the real engines the app runs on.
import { copyFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { createDb, type Db } from "@/lib/create-db";
import { withDatabase } from "./global-setup";

export type GetDb = () => Db;

/** `getUrl` lets a test open a second client on the same database (a "restart"). */
export function describeEachDb(
  title: string,
  suite: (getDb: GetDb, provider: "sqlite" | "postgresql", getUrl: () => string) => void,
) {
  describe(`${title} [sqlite]`, () => {
    let db: Db;
    let url = "";
    beforeAll(() => {
      const file = inject("sqliteTemplate").replace(/template\.db$/, `s_${randomBytes(6).toString("hex")}.db`);
      copyFileSync(inject("sqliteTemplate"), file);
      url = `file:${file}`;
      db = createDb(url);
    });
    afterAll(async () => db?.$disconnect());
    suite(() => db, "sqlite", () => url);
  });

  const template = inject("pgTemplate");
  describe.skipIf(!template)(`${title} [postgresql]`, () => {
    let db: Db;
    let url = "";
    beforeAll(async () => {
      const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
      await admin.connect();
      // named after the run, so global teardown drops it
      const name = `nk_s_${inject("pgRunId")}_${randomBytes(6).toString("hex")}`;
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      await admin.end();
      url = withDatabase(inject("pgAdminUrl"), name);
      db = createDb(url);
    });
    afterAll(async () => db?.$disconnect());
    suite(() => db, "postgresql", () => url);
  });
}
