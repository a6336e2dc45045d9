// A raw HTTP/1.x exchange over node:net: what a NuGet client sees on the wire, including the
// reason phrase of the status line (fetch and most clients hide it) and HTTP/1.0 or chunked
// uploads exactly as NuGet 2.8.7 and 5.8 send them.
import net from "node:net";

export interface RawResponse {
  statusLine: string;
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** HTTP/1.0 with Content-Length (NuGet 2.8.7) or HTTP/1.1 chunked without it (NuGet 5.8) */
  mode?: "http1.0" | "chunked" | "content-length";
}

function dechunk(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = buf.indexOf("\r\n", i);
    if (eol === -1) break;
    const size = parseInt(buf.subarray(i, eol).toString("latin1"), 16);
    if (!size) break;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const { hostname, port, host } = new URL(baseUrl);
  const mode = req.mode ?? "content-length";
  const body = req.body ?? Buffer.alloc(0);
  const lines = [`${req.method} ${req.path} ${mode === "http1.0" ? "HTTP/1.0" : "HTTP/1.1"}`];
  // a Host among the headers replaces the real one
  if (!Object.keys(req.headers ?? {}).some((k) => k.toLowerCase() === "host")) lines.push(`Host: ${host}`);
  if (mode !== "http1.0") lines.push("Connection: close");
  for (const [k, v] of Object.entries(req.headers ?? {})) lines.push(`${k}: ${v}`);
  if (mode === "chunked") lines.push("Transfer-Encoding: chunked");
  else if (body.length || req.method === "PUT" || req.method === "POST") lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");

  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on("connect", () => {
      socket.write(head);
      if (mode === "chunked") {
        // in several chunks, as a streaming client would
        for (let i = 0; i < body.length; i += 64 * 1024) {
          const part = body.subarray(i, i + 64 * 1024);
          socket.write(`${part.length.toString(16)}\r\n`);
          socket.write(part);
          socket.write("\r\n");
        }
        socket.write("0\r\n\r\n");
      } else socket.write(body);
    });
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", reject);
    socket.on("end", () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      if (split === -1) return reject(new Error(`no response head: ${all.toString("latin1").slice(0, 200)}`));
      const [statusLine, ...headerLines] = all.subarray(0, split).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of headerLines) {
        const c = l.indexOf(":");
        const name = l.slice(0, c).trim().toLowerCase();
        headers[name] = headers[name] ? `${headers[name]}, ${l.slice(c + 1).trim()}` : l.slice(c + 1).trim();
      }
      const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine);
      if (!m) return reject(new Error(`bad status line: ${statusLine}`));
      const rest = all.subarray(split + 4);
      resolve({
        statusLine,
        status: Number(m[1]),
        reason: m[2],
        headers,
        body: headers["transfer-encoding"] === "chunked" ? dechunk(rest) : rest,
      });
    });
  });
}
