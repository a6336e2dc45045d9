// The request as the app may believe it: who the client is and at which origin the site is
// served. The server (server/edge.ts) has already made the headers this reads trustworthy:
// unless TRUST_PROXY=1, a client's own X-Forwarded-* and Forwarded are dropped and
// X-Forwarded-For is set from the connection.
import { envFrom, type RawEnv } from "@/lib/env";

type HeaderReader = Pick<Headers, "get">;

/**
 * The client's address: the right-most X-Forwarded-For entry, the one the server set from the
 * socket or, behind a trusted proxy, the one the nearest proxy added. What the sign-in throttles
 * and the audit log record.
 */
export function clientIp(headers: HeaderReader | null | undefined): string | null {
  const last = headers?.get("x-forwarded-for")?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return last ? last.slice(0, 64) : null;
}

/**
 * The site's public origin, for links in mails, the push URL in /v3/index.json and the API's
 * warnings: APP_URL (or AUTH_URL) when set — set it in production, so no Host header can put
 * another site there — else the request's own host.
 */
export function appOrigin(headers: HeaderReader | null, raw?: RawEnv): string {
  const env = envFrom(raw);
  // both checked at start-up to be absolute http(s) URLs
  const configured = env.APP_URL ?? env.AUTH_URL;
  if (configured) return new URL(configured).origin;
  const host = headers?.get("x-forwarded-host")?.split(",")[0]?.trim() || headers?.get("host") || "localhost:3000";
  const proto = headers?.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return "http://localhost:3000";
  }
}

/** The client's address for the request Next is handling (server actions, pages); null outside one (scripts, tests). */
export async function requestIp(): Promise<string | null> {
  try {
    // loaded here, not at the top: the server bundle (server/main.ts) loads this module before Next runs
    const { headers } = await import("next/headers");
    return clientIp(await headers());
  } catch {
    return null;
  }
}
