// Applies the migrations for DATABASE_URL; on SQLite also switches the file to WAL mode
// (persistent), so pushes and page reads do not wait on each other's journal writes.
import { execFileSync } from "node:child_process";

// better-sqlite3 is imported late: `npm start` calls this after installing dependencies.
export async function prepareDb({ quiet = false } = {}) {
  try {
    execFileSync("node_modules/.bin/prisma", ["migrate", "deploy"], { stdio: ["ignore", quiet ? "ignore" : "pipe", "pipe"] });
  } catch (e) {
    const out = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    console.error(out);
    // SQLite answers a locked file with an engine error that names a timeout; say what it means
    if (/SocketTimeout|database is locked|SQLITE_BUSY/.test(out)) {
      console.error("The database is in use: is the app already running (another `npm start`)? Stop it and try again.");
    }
    throw new Error("prisma migrate deploy failed");
  }
  const url = process.env.DATABASE_URL || "file:./.data/nuget.db";
  if (url.startsWith("file:")) {
    const { default: Database } = await import("better-sqlite3");
    const sqlite = new Database(url.slice("file:".length).split("?")[0]);
    sqlite.pragma("journal_mode = WAL");
    sqlite.close();
  }
}
