// The floor for bench/push-api.ts: a minimal plain-Node HTTP server doing only the work a push
// must do: read the body, SHA-512 it, write the file and flush it (with its folder), one insert
// (SQLite in WAL mode, as the app runs it). No key, no zip, no Next. Answers 201.
//   node bench/push-floor-server.mjs <port> <folder>
import Database from "better-sqlite3";
import { createHash, randomUUID } from "node:crypto";
import { closeSync, constants, fsync, mkdirSync, openSync, write } from "node:fs";
import http from "node:http";
import path from "node:path";
import { promisify } from "node:util";

const [port, dir] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
const db = new Database(path.join(dir, "floor.db"));
db.pragma("journal_mode = WAL");
db.exec("CREATE TABLE IF NOT EXISTS pushed (id TEXT PRIMARY KEY, size INTEGER, sha512 TEXT, at TEXT)");
const insert = db.prepare("INSERT INTO pushed (id, size, sha512, at) VALUES (?, ?, ?, ?)");
const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);

http
  .createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const id = randomUUID();
    const fd = openSync(path.join(dir, `${id}.bin`), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_DSYNC, 0o600);
    const folder = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    const written = (async () => {
      for (let at = 0; at < body.length; ) at += (await writeAsync(fd, body, at)).bytesWritten;
    })();
    const sha512 = createHash("sha512").update(body).digest("base64");
    await Promise.all([written, fsyncAsync(folder)]);
    closeSync(fd);
    closeSync(folder);
    insert.run(id, body.length, sha512, new Date().toISOString());
    res.writeHead(201, { "Content-Type": "text/plain" }).end("Created\n");
  })
  .listen(Number(port), "127.0.0.1", () => process.send?.("ready"));
