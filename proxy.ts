// First of the three checks: an optimistic cookie check that sends anonymous visitors of
// /account/* to sign-in; pages and actions call requireUser() themselves. /api/* never comes
// here (NuGet clients get 401/403 there, and pushes may be large). Confirmation links
// (/account/confirm/<user>/<token>) work signed out: the mail may be opened in another
// browser, and the token alone proves the mailbox. (A body's size and pace are the server's
// business, before Next: server/main.ts.)
//
// Deliberately NOT Auth.js's auth() wrapper: that re-issues the session cookie on every
// matched request, and a link prefetch still in flight during sign-out then set the cookie
// again after sign-out had cleared it — the user was signed back in (seen in e2e traces).
import { NextResponse, type NextRequest } from "next/server";

/** Auth.js's session cookie, plain or __Secure-, whole or chunked (.0, .1 …). */
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

export function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  const hasSession = req.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name) && c.value !== "");
  if (!(path === "/account" || path.startsWith("/account/")) || path.startsWith("/account/confirm/") || hasSession) {
    return NextResponse.next();
  }
  const url = new URL("/users/account/LogOn", req.nextUrl.origin);
  url.searchParams.set("returnUrl", path + req.nextUrl.search);
  return NextResponse.redirect(url);
}

export const config = { matcher: ["/account/:path*", "/users/account/:path*"] };
