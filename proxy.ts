// First of the three checks: an optimistic cookie check that sends anonymous visitors of
// /account/* to sign-in. /api/* never comes here (NuGet clients get 401/403 there, and pushes
// may be large). Confirmation links (/account/confirm/<user>/<token>) work signed out: the mail
// may be opened in another browser, and the token alone proves the mailbox.
import { NextResponse } from "next/server";
import { auth } from "@/auth";

/** next.config's serverActions.bodySizeLimit: Next answers a larger action post with a 500. */
const MAX_FORM_BODY = 1024 * 1024;

export const proxy = auth((req) => {
  if (req.method === "POST" && Number(req.headers.get("content-length") ?? 0) > MAX_FORM_BODY) {
    return new NextResponse("The request is too large.", { status: 413, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  const path = req.nextUrl.pathname;
  if (!(path === "/account" || path.startsWith("/account/")) || path.startsWith("/account/confirm/") || req.auth?.user) {
    return NextResponse.next();
  }
  const url = new URL("/users/account/LogOn", req.nextUrl.origin);
  url.searchParams.set("returnUrl", path + req.nextUrl.search);
  return NextResponse.redirect(url);
});

export const config = { matcher: ["/account/:path*", "/users/account/:path*"] };
