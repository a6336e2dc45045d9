// An id's package folder against its version rows, for tests that check a push left nothing
// half-written behind. Imports the store, a server-only module: Playwright specs reach this
// through e2e/nuget/data.ts, which loads it once the server-only hook is in place.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Db } from "@/lib/create-db";
import { packageFilePath } from "@/lib/packages/files";

/** The files in the id's folder, and the names its version rows give their files; a test expects them equal. */
export async function packageFolder(db: Db, dir: string, id: string): Promise<{ files: string[]; named: string[] }> {
  const idKey = id.toLowerCase();
  const rows = await db.packageVersion.findMany({ where: { registration: { idKey } }, select: { id: true, versionKey: true } });
  const folder = path.join(dir, idKey);
  return {
    files: existsSync(folder) ? readdirSync(folder).sort() : [],
    named: rows.map((r) => path.basename(packageFilePath(dir, idKey, r.versionKey, r.id))).sort(),
  };
}
