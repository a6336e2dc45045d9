// Session cookie security. Auth.js's cookies are http-only and SameSite=Lax by default; this
// decides Secure (and the __Secure- name prefix).
import { envFrom, type RawEnv } from "@/lib/env";

/**
 * Always Secure when the configured public URL is https; otherwise undefined, and Auth.js
 * decides per request from its protocol (X-Forwarded-Proto behind a proxy).
 */
export function secureCookies(raw?: RawEnv): boolean | undefined {
  const env = envFrom(raw);
  const url = env.AUTH_URL ?? env.APP_URL;
  return url?.startsWith("https:") ? true : undefined;
}
