// The production server (`npm start`, the e2e run, the benchmarks). Next answers every page and
// route but one: the push, PUT /api/v2/package, which this file serves straight from Node with
// the same push() as the Next route (app/api/v2/_lib/push.ts). Why: Next's handling of a
// request costs about 1.5 ms of fixed work plus about 2 ms per MB of upload, more than the
// push's own work (bench/push-api.ts measures both).
//
// It also decides the client address, which App Router code cannot see: the socket's, unless
// TRUST_PROXY=1 says a reverse proxy in front sets X-Forwarded-For (the throttles and the
// audit log read that header; a client must not choose its own).
//
// Built by scripts/build-server.mjs into dist/server.mjs; run with `node dist/server.mjs`.
import http from "node:http";
import next from "next";
import { push } from "@/app/api/v2/_lib/push";
import { SECURITY_HEADERS } from "@/lib/security-headers";

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOST || "0.0.0.0";
const PUSH_PATHS = new Set(["/api/v2/package", "/api/v2/package/"]);

function setClientAddress(req: http.IncomingMessage): void {
  if (process.env.TRUST_PROXY === "1") return;
  req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
  delete req.headers["x-real-ip"];
}

function header(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

async function servePush(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let response: Response;
  try {
    response = await push({ url: `http://localhost${req.url}`, headers: { get: (name) => header(req, name) }, body: req });
  } catch (e) {
    console.error("push failed:", e);
    response = new Response("Internal Server Error\n", { status: 500, statusText: "Internal Server Error" });
  }
  const body = Buffer.from(await response.arrayBuffer());
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.setHeader("Content-Length", body.byteLength);
  res.writeHead(response.status, response.statusText);
  res.end(body);
}

const app = next({ dev: false, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

http
  .createServer((req, res) => {
    setClientAddress(req);
    if (req.method === "PUT" && PUSH_PATHS.has((req.url ?? "").split("?")[0])) void servePush(req, res);
    else void handle(req, res);
  })
  .listen(port, hostname, () => console.log(`> Ready on http://${hostname}:${port}`));
