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
http.createServer((req, res) => void handle(req, res)).listen(socket, () => process.send!("ready"));
