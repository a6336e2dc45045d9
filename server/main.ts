// The production server (`npm start`, the e2e run, the benchmarks): a small front process that
// serves the push, PUT /api/v2/package, itself, and passes every other request to Next.js in a
// child process (server/next.ts) over a Unix socket. Why: in Next's process a 1 MB push paid
// for Next's request handling (about 2 ms) and for garbage collection of Next's large heap, each
// more than the push's own work (bench/push-api.ts measures it). The push here runs the same
// push() as the Next route (app/api/v2/_lib/push.ts), which serves it under `next dev`.
//
// It also decides the client address, which App Router code cannot see: the socket's, unless
// TRUST_PROXY=1 says a reverse proxy in front sets X-Forwarded-For (the throttles and the
// audit log read that header; a client must not choose its own).
//
// Built by scripts/build-server.mjs into dist/; run with `node dist/server.mjs`.
import { fork } from "node:child_process";
import { rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { push } from "@/app/api/v2/_lib/push";
import { nugetAnswer, type NuGetAnswer } from "@/lib/nuget/responses";
import { db } from "@/lib/db";
import { reconcilePackageFiles } from "@/lib/packages/files";
import { SECURITY_HEADERS } from "@/lib/security-headers";

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOST || "0.0.0.0";
const PUSH_PATHS = new Set(["/api/v2/package", "/api/v2/package/"]);
/** Hop-by-hop headers: about one connection, never passed on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

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
  let answer: NuGetAnswer;
  try {
    answer = await push({ headers: { get: (name) => header(req, name) }, body: req });
  } catch (e) {
    console.error("push failed:", e);
    answer = nugetAnswer(500, { reason: "Internal Server Error" });
  }
  const body = Buffer.from(answer.body);
  // a flat name, value, name, value… list: X-NuGet-Warning may repeat
  const headers: string[] = [];
  for (const { key, value } of SECURITY_HEADERS) headers.push(key, value);
  for (const [key, value] of answer.headers) headers.push(key, value);
  headers.push("Content-Length", String(body.byteLength));
  res.writeHead(answer.status, answer.statusText, headers).end(body);
}

// --- everything else: Next, in a child process -------------------------------------------------

/**
 * No request body Next serves may exceed this (next.config's serverActions.bodySizeLimit: Next
 * itself answers a larger chunked action post with a 500; proxy.ts can only check Content-Length).
 */
const MAX_NEXT_BODY = 1024 * 1024;

/** How much more of a refused body is read and thrown away before the connection is cut. */
const DRAIN_CAP = 16 * 1024 * 1024;

function plain(res: http.ServerResponse, status: number, text: string): void {
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(`${text}\n`);
}

/** Next answers a path with a malformed %-escape with a 500 (vercel/next.js#92527). */
function malformedPath(url: string): boolean {
  try {
    decodeURI(url.split("?")[0]);
    return false;
  } catch {
    return true;
  }
}

const socketPath = path.join(tmpdir(), `nuget-keys-next-${process.pid}.sock`);
/** Kept-alive sockets to Next; only this side closes an idle one (server/next.ts says why). */
const upstream = new http.Agent({ keepAlive: true, timeout: 60_000 });

function passToNext(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (malformedPath(req.url ?? "/")) return plain(res, 400, "Bad Request: the address has a malformed %-escape.");
  const action = req.method === "POST" && req.headers["next-action"] !== undefined;
  // Read whole first: a body over the limit (announced, or chunked with no length announced)
  // never reaches Next, and an action post is checked.
  const tooLong = Number(req.headers["content-length"] ?? 0) > MAX_NEXT_BODY;
  if (action || tooLong || req.headers["transfer-encoding"] !== undefined) return void passBufferedToNext(req, res, action);
  req.pipe(forwardToNext(req, res));
}

/**
 * A body read whole before Next sees it: over MAX_NEXT_BODY it gets 413 once the client has
 * sent it all (read and thrown away, up to DRAIN_CAP more; a client still sending misses an
 * early answer). A server action's post is also checked: Next answers a body it cannot decode
 * (text that is not JSON, a broken multipart form) with a 500; here it gets 400.
 */
async function passBufferedToNext(req: http.IncomingMessage, res: http.ServerResponse, action: boolean): Promise<void> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const body = await new Promise<Buffer | null>((resolve, reject) => {
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_NEXT_BODY) chunks.push(chunk);
      else if (bytes > MAX_NEXT_BODY + DRAIN_CAP) req.destroy();
    });
    req.on("end", () => resolve(bytes > MAX_NEXT_BODY ? null : Buffer.concat(chunks, bytes)));
    req.on("error", reject);
    // destroyed past DRAIN_CAP, or the client went away: no end will come
    req.on("close", () => reject(new Error("closed")));
  }).catch(() => undefined);
  if (body === undefined) return void res.destroy(); // the client went away
  if (body === null) return plain(res, 413, "The request is too large.");
  if (action && !(await wellFormedActionBody(req.headers["content-type"] ?? "", body))) return plain(res, 400, "Bad Request: the form post could not be read.");
  forwardToNext(req, res, body.length).end(body);
}

async function wellFormedActionBody(contentType: string, body: Buffer): Promise<boolean> {
  try {
    if (/^text\/plain\b/i.test(contentType)) JSON.parse(body.toString("utf8"));
    else if (/^multipart\/form-data\b/i.test(contentType)) await new Response(new Uint8Array(body), { headers: { "Content-Type": contentType } }).formData();
    return true;
  } catch {
    return false;
  }
}

/** The request to Next with the client's headers (a buffered body's length replaces theirs), its answer piped back. */
function forwardToNext(req: http.IncomingMessage, res: http.ServerResponse, bodyLength?: number): http.ClientRequest {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(key)) headers[key] = value;
  if (bodyLength !== undefined) headers["content-length"] = bodyLength;
  const forward = http.request({ socketPath, agent: upstream, method: req.method, path: req.url, headers }, (answer) => {
    const raw: string[] = [];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) {
      if (!HOP_BY_HOP.has(answer.rawHeaders[i].toLowerCase())) raw.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
    }
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
    answer.pipe(res);
    answer.on("error", () => res.destroy());
  });
  let cut = false;
  forward.on("error", (e) => {
    if (cut) return;
    console.error("next did not answer:", e.message);
    if (!res.headersSent) res.writeHead(502, { "Content-Type": "text/plain; charset=utf-8" }).end("Bad Gateway\n");
    else res.destroy();
  });
  const cutOff = () => {
    cut = true; // what Next says from now on is not wanted
    forward.destroy();
  };
  // the client went away (a cancelled prefetch, say): so does the request to Next
  res.on("close", () => {
    if (!res.writableFinished) cutOff();
  });
  return forward;
}

// pushes cut short by a crash may have left files no row names
const reconciled = await reconcilePackageFiles(db);
if (reconciled.removed) console.log(`> removed ${reconciled.removed} package file(s) left by interrupted pushes`);

const child = fork(path.join(import.meta.dirname, "next-server.mjs"), { env: { ...process.env, NEXT_SOCKET: socketPath } });
child.on("exit", (code, signal) => {
  console.error(`next exited (${signal ?? code}): stopping`);
  process.exit(code ?? 1);
});
process.on("exit", () => rmSync(socketPath, { force: true }));
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    child.kill(sig);
    process.exit(0);
  });
}
await new Promise<void>((resolve) => child.once("message", (m) => m === "ready" && resolve()));

http
  .createServer((req, res) => {
    setClientAddress(req);
    if (req.method === "PUT" && PUSH_PATHS.has((req.url ?? "").split("?")[0])) void servePush(req, res);
    else passToNext(req, res);
  })
  .listen(port, hostname, () => console.log(`> Ready on http://${hostname}:${port}`));
