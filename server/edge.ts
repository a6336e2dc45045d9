// What every request goes through before Next sees it (server/main.ts): the checks Next itself
// gets wrong (a 500 where a 4xx is due), the client address and public origin it must not take
// from a client, and the security headers with this request's script nonce.
import { randomBytes } from "node:crypto";
import { IncomingMessage, type ServerResponse } from "node:http";
import { paced, uploadPace } from "@/lib/nuget/read-body";
import { securityHeaders } from "@/lib/security-headers";

/** Headers through which a reverse proxy tells who the client is and what it asked for. */
const FORWARDED = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip"];

/**
 * The client's address and the public host come from the connection unless TRUST_PROXY=1 says
 * a reverse proxy in front sets the forwarded headers. Otherwise a client's own are dropped:
 * `X-Forwarded-Host: evil.example` would change the push URL in /v3/index.json and the links
 * in mails, and pass the server actions' Origin check. X-Forwarded-For is then set from the
 * socket: the one place the app reads the client's address from (lib/request-context.ts clientIp).
 */
export function settleForwardedHeaders(req: IncomingMessage, trustProxy: boolean): void {
  if (trustProxy) return;
  for (const name of FORWARDED) delete req.headers[name];
  req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
}

/** Next answers a path with a malformed %-escape with a 500 (vercel/next.js#92527). */
export function malformedPath(url: string): boolean {
  try {
    decodeURI(url.split("?")[0]);
    return false;
  } catch {
    return true;
  }
}

/**
 * A server action posted from another origin, or from an opaque one ("null": a sandboxed frame,
 * a data: URL). Next refuses it too, but with a 500. Same origin = the Origin's host is the
 * request's Host (or, behind a trusted proxy, its X-Forwarded-Host) or APP_URL's. A post with no
 * Origin at all is left to Next (browsers always send one with a POST).
 */
export function foreignActionOrigin(req: IncomingMessage, appUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return true; // "null", or no origin at all
  }
  const own = [req.headers["x-forwarded-host"], req.headers.host].flatMap((h) => (typeof h === "string" ? h.split(",")[0].trim() : []));
  if (appUrl) own.push(new URL(appUrl).host);
  return !own.includes(host);
}

/** The security headers on every answer, with a fresh script nonce that Next puts on its own inline scripts. */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, appUrl: string | undefined): void {
  const nonce = randomBytes(16).toString("base64");
  for (const { key, value } of securityHeaders({ nonce, https: appUrl?.startsWith("https:") ?? false })) {
    res.setHeader(key, value);
    // Next reads the nonce from the request's Content-Security-Policy header (a client's own is replaced)
    if (key === "Content-Security-Policy") req.headers["content-security-policy"] = value;
  }
}

/**
 * The whole body, read before Next sees it, at the pushes' pace: null when it is over `limit`
 * (read and thrown away, up to `drainCap` more, so the client sees the answer), undefined when
 * the client went away or was too slow. Next answers a chunked body over its limit with a 500,
 * and a slow one would hold a socket as long as the client likes.
 */
export async function readWhole(req: IncomingMessage, limit: number, drainCap: number): Promise<Buffer | null | undefined> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for await (const chunk of paced(req, uploadPace())) {
      bytes += chunk.byteLength;
      if (bytes <= limit) chunks.push(chunk);
      else if (bytes > limit + drainCap) return undefined;
    }
  } catch {
    return undefined;
  }
  return bytes > limit ? null : Buffer.concat(chunks, bytes);
}

/** Next answers a server action's body it cannot decode (text that is not JSON, a broken multipart form) with a 500. */
export async function wellFormedActionBody(contentType: string, body: Buffer): Promise<boolean> {
  try {
    if (/^text\/plain\b/i.test(contentType)) JSON.parse(body.toString("utf8"));
    else if (/^multipart\/form-data\b/i.test(contentType)) await new Response(new Uint8Array(body), { headers: { "Content-Type": contentType } }).formData();
    return true;
  } catch {
    return false;
  }
}

/**
 * The request again, its body the bytes already read: what Next reads as the request. Same
 * socket, method, URL and headers; the length is the body's, no longer chunked.
 */
export function withBody(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  const headers = { ...req.headers, "content-length": String(body.byteLength) };
  delete headers["transfer-encoding"];
  copy.headers = headers;
  copy.rawHeaders = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.flatMap((x) => [k, x]) : v === undefined ? [] : [k, v]));
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

export function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, "Content-Type": "text/plain; charset=utf-8" }).end(`${text}\n`);
}
