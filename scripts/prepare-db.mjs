// Applies the migrations for DATABASE_URL; on SQLite also switches the file to WAL mode
// (persistent), so pushes and page reads do not wait on each other's journal writes.
import { execFileSync } from "node:child_process";

// better-sqlite3 is imported late: `npm start` calls this after installing dependencies.
export async function prepareDb({ quiet = false } = {}) {
  execFileSync("node_modules/.bin/prisma", ["migrate", "deploy"], { stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
  const url = process.env.DATABASE_URL || "file:./.data/nuget.db";
  if (url.startsWith("file:")) {
    const { default: Database } = await import("better-sqlite3");
    const sqlite = new Database(url.slice("file:".length).split("?")[0]);
    sqlite.pragma("journal_mode = WAL");
    sqlite.close();
  }
}
