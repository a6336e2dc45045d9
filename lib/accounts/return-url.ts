// returnUrl handling: only paths on this site are honoured, never another origin.
// "//evil", "/\evil", "http://evil", "javascript:…" all fall back. An absolute URL (Auth.js
// adds callbackUrl that way) is reduced to its path, so it can only lead to a local page.

const BASE = "http://local.invalid";

export function safeReturnUrl(raw: unknown, fallback = "/"): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return fallback;
  let url: URL;
  try {
    if (raw.startsWith("/")) {
      url = new URL(raw, BASE);
      // "//host", "/\host", "/\t/host": the parser took it as another origin
      if (url.origin !== BASE) return fallback;
    } else {
      url = new URL(raw);
      if (url.protocol !== "http:" && url.protocol !== "https:") return fallback;
    }
  } catch {
    return fallback;
  }
  // "/.//evil" normalises to the path "//evil", which a browser reads as another host
  const path = url.pathname.replace(/^[/\\]+/, "/");
  return path + url.search + url.hash;
}

export type Search = Record<string, string | string[] | undefined>;

/** A page's returnUrl (ours, nuget.org's ReturnUrl, or Auth.js's callbackUrl) as a local path, or null. */
export function returnUrlFrom(q: Search): string | null {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const raw = first(q.returnUrl) ?? first(q.ReturnUrl) ?? first(q.callbackUrl);
  return raw ? safeReturnUrl(raw, "") || null : null;
}
