// The server: Next's custom server (one process), the only way in for `npm start`, the e2e run,
// the benchmarks and `npm run dev` (with --dev) alike. It serves the push, PUT /api/v2/package,
// itself (lib/nuget/push.ts) straight from Node's request: Next's request handling cost more
// than the push's own work on a 1 MB upload (bench/push-api.ts). Everything else goes to Next's
// handler in this process, after the edge (server/edge.ts): the checks Next answers with a 500,
// the client address and public host, the security headers and a body's size and pace.
//
// Built by scripts/build-server.mjs into dist/server.mjs; run with `node dist/server.mjs [--dev]`.
import http from "node:http";
import v8 from "node:v8";
import next from "next";
import { checkEnv, EnvError, type Env } from "@/lib/env";
import { db } from "@/lib/db";
import { push } from "@/lib/nuget/push";
import { nugetAnswer, type NuGetAnswer } from "@/lib/nuget/responses";
import { reconcilePackageFiles } from "@/lib/packages/files";
import { startJobs } from "@/lib/jobs";
import { flushKeyActivity } from "@/lib/key-activity/record";
import { flushDownloads } from "@/lib/packages/downloads";
import { backfillSearchIndex } from "@/lib/packages/search-index";
import { foreignActionOrigin, malformedPath, plain, readWhole, setSecurityHeaders, settleForwardedHeaders, wellFormedActionBody, withBody } from "./edge";
import { logError } from "@/lib/log";

const dev = process.argv.includes("--dev");

// The old generation may grow to 4x what a full GC leaves before the next one starts: the most
// V8 itself allows, fixed. V8 otherwise picks 1.1-4x at each full GC from the speeds it measured
// just then, and it counts request bodies against that room (a 10 MB push arrives as 10 MB of
// socket chunks, external memory). A full GC at a quiet moment left a tight limit, every large
// push then started another, which kept it tight: in about half of bench:leaks's runs the server
// fell into that state, a mark-compact on every push, 30-45 ms more CPU per push.
v8.setFlagsFromString("--heap-growing-percent=300");

// every variable checked before anything starts: a bad value stops here, named
let config: Env;
try {
  config = checkEnv();
} catch (e) {
  if (!(e instanceof EnvError)) throw e;
  console.error(e.message);
  process.exit(2);
}
const { PORT: port, HOST: hostname, APP_URL: appUrl, TRUST_PROXY: trustProxy } = config;

// Everything this process creates is its user's alone: the database and its WAL hold password
// hashes, the mails live links, .data/auth-secret the session key.
process.umask(0o077);

if (!dev && !appUrl) {
  console.warn("! APP_URL is not set: links in mails and the push URL in /v3/index.json follow each request's Host header. Set APP_URL to the public origin, e.g. https://nuget.example.");
}

const PUSH_PATHS = new Set(["/api/v2/package", "/api/v2/package/"]);

/**
 * No request body Next serves may exceed this (next.config's serverActions.bodySizeLimit: Next
 * answers a larger action post, chunked or not, with a 500).
 */
const MAX_NEXT_BODY = 1024 * 1024;

/** How much more of a refused body is read and thrown away before the connection is cut. */
const DRAIN_CAP = 16 * 1024 * 1024;

async function servePush(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let answer: NuGetAnswer;
  try {
    answer = await push({ headers: { get: (name) => header(req, name) }, body: req });
  } catch (e) {
    logError("push failed", e);
    answer = nugetAnswer(500, { reason: "Internal Server Error" });
  }
  const body = Buffer.from(answer.body);
  // appended, not set: X-NuGet-Warning may repeat
  for (const [key, value] of answer.headers) res.appendHeader(key, value);
  res.setHeader("Content-Length", body.byteLength);
  res.writeHead(answer.status, answer.statusText).end(body);
  // an upload given up (408): its sender may still be sending, so the connection goes too
  if (!req.complete) res.on("finish", () => req.socket.destroy());
}

function header(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

type Handle = ReturnType<ReturnType<typeof next>["getRequestHandler"]>;

/** Upload Package's file post (app/packages/manage/upload/file/route.ts): its body is not read here. */
const UPLOAD_PATH = "/packages/manage/upload/file";

/**
 * The upload's body may be as large as a push's, so it goes to Next unread, its route reading
 * it at the pushes' pace. Only this origin's pages may post it (CSRF: a browser always sends
 * Origin with a POST). A route that answers before the body is in (a refusal, a stall) closes
 * the connection, as a push's 408 does.
 */
function serveUpload(req: http.IncomingMessage, res: http.ServerResponse, handle: Handle): Promise<void> | void {
  if (req.headers.origin === undefined || foreignActionOrigin(req, appUrl)) return plain(res, 403, "Forbidden: this upload was posted from another site.");
  res.on("finish", () => {
    if (!req.complete) req.socket.destroy();
  });
  return handle(req, res);
}

async function serveNext(req: http.IncomingMessage, res: http.ServerResponse, handle: Handle): Promise<void> {
  if (malformedPath(req.url ?? "/")) return plain(res, 400, "Bad Request: the address has a malformed %-escape.");
  if (req.method === "POST" && (req.url ?? "").split("?")[0] === UPLOAD_PATH) return serveUpload(req, res, handle);
  const action = req.method === "POST" && req.headers["next-action"] !== undefined;
  if (action && foreignActionOrigin(req, appUrl)) return plain(res, 403, "Forbidden: this form was posted from another site.");
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if (!hasBody) return handle(req, res);
  // A body is read whole first, at the pushes' pace: one over the limit (announced, or chunked
  // with no length announced) never reaches Next, and an action's post is checked.
  const body = await readWhole(req, MAX_NEXT_BODY, DRAIN_CAP);
  if (body === undefined) {
    // the client went away, or sent too slowly
    if (!res.headersSent && !req.socket.destroyed) plain(res, 408, "Request Timeout: the request body did not arrive in time.", { Connection: "close" });
    return void res.on("finish", () => req.socket.destroy());
  }
  if (body === null) return plain(res, 413, "The request is too large.");
  if (action && !(await wellFormedActionBody(req.headers["content-type"] ?? "", body))) return plain(res, 400, "Bad Request: the form post could not be read.");
  return handle(withBody(req, body), res);
}

const app = next({ dev, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

// pushes cut short by a crash may have left files no row names
const reconciled = await reconcilePackageFiles(db);
if (reconciled.removed) console.log(`> removed ${reconciled.removed} package file(s) left by interrupted pushes`);

// ids stored before the search index existed, in the background (search misses them until then)
backfillSearchIndex(db).then(
  (n) => n && console.log(`> indexed ${n} package id(s) for search`),
  (e) => logError("search index backfill failed", e),
);

// expiry notices and the like, every JOBS_INTERVAL_MINUTES (0 = never; `npm run jobs` runs them once)
startJobs(db, { intervalMinutes: config.JOBS_INTERVAL_MINUTES, origin: new URL(appUrl ?? config.AUTH_URL ?? `http://localhost:${port}`).origin });

const server = http.createServer((req, res) => {
  settleForwardedHeaders(req, trustProxy);
  setSecurityHeaders(req, res, appUrl);
  // Node keeps only the first of repeated Authorization headers; the token exchange refuses
  // more than one (spec A5), so it gets them all, joined (a JWT holds no comma)
  const authorizations = req.headersDistinct.authorization;
  if (authorizations && authorizations.length > 1) req.headers.authorization = authorizations.join(", ");
  const serving = req.method === "PUT" && PUSH_PATHS.has((req.url ?? "").split("?")[0]) ? servePush(req, res) : serveNext(req, res, handle);
  serving.catch((e) => {
    logError("request failed", e);
    if (!res.headersSent) plain(res, 500, "Internal Server Error");
    else res.destroy();
  });
});
// Set on purpose: a client gets 20 s to send its headers. The whole request has no time limit
// of Node's (its default, 300 s, would cut off a large push on a slow line): every body is read
// at a pace instead (PUSH_IDLE_TIMEOUT_SECONDS, PUSH_MIN_BYTES_PER_SECOND; lib/nuget/read-body.ts).
server.headersTimeout = 20_000;
server.requestTimeout = 0;
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    server.close();
    // what is still buffered (the keys' uses, the download counts) is written first, for at most 5 s
    const flushed = Promise.all([flushKeyActivity(), flushDownloads()]);
    void Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, 5000))]).finally(() => process.exit(0));
  });
}
server.listen(port, hostname, () => console.log(`> Ready on http://${hostname}:${port}${dev ? " (development)" : ""}`));
