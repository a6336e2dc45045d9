// Next.js behind server/main.ts: every page and route but the push, in a process of its own.
// Listens on a Unix socket only the front process knows (NEXT_SOCKET) and tells the front
// over IPC once it is ready.
import { rmSync } from "node:fs";
import http from "node:http";
import next from "next";

const socket = process.env.NEXT_SOCKET;
if (!socket || !process.send) throw new Error("server/next.ts is started by server/main.ts");
// the front went away (however it ended): so does this process
process.on("disconnect", () => process.exit(0));

// hostname and port: the public ones, which Next uses for its own absolute URLs
const app = next({ dev: false, dir: process.cwd(), hostname: process.env.HOST || "0.0.0.0", port: Number(process.env.PORT || 3000) });
const handle = app.getRequestHandler();
await app.prepare();
rmSync(socket, { force: true });
const server = http.createServer((req, res) => void handle(req, res));
// Idle connections from the front are never closed from this side: with Node's default (5 s),
// a request the front sent on a kept-alive socket just as this side closed it failed with
// ECONNRESET, and the user saw a 502. The front closes its idle sockets itself (server/main.ts).
server.keepAliveTimeout = 0;
server.listen(socket, () => process.send!("ready"));
