// The one Prisma client of the running app (a singleton that survives dev hot reloads).
import "server-only";
import { createDb, type Db } from "./create-db";

const globalForDb = globalThis as unknown as { db?: Db };

// One client per process (the front process of server/main.ts and Next's each have theirs).
export const db: Db = (globalForDb.db ??= createDb());
