// The one Prisma client of the running app (a singleton that survives dev hot reloads and is
// shared with server/main.ts).
import "server-only";
import { createDb, type Db } from "./create-db";

const globalForDb = globalThis as unknown as { db?: Db };

// On globalThis in production too: server/main.ts bundles its own copy of this module, and a
// second client would be a second SQLite connection whose busy-wait (synchronous) stalls the
// process while the other holds the write lock across an await (see hotWriter).
export const db: Db = (globalForDb.db ??= createDb());
