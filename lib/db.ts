// The one Prisma client of the running app (a singleton that survives dev hot reloads).
import "server-only";
import { createDb, type Db } from "./create-db";

const globalForDb = globalThis as unknown as { db?: Db };

export const db: Db = globalForDb.db ?? createDb();
if (process.env.NODE_ENV !== "production") globalForDb.db = db;
