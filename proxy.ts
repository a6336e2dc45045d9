// First of the three checks: an optimistic cookie check that sends anonymous visitors of
// /account/* to sign-in. /api/* is never redirected (NuGet clients get 401/403 there).
// Confirmation links (/account/confirm/<user>/<token>) work signed out: the mail may be opened
// in another browser, and the token alone proves the mailbox.
import { NextResponse } from "next/server";
import { auth } from "@/auth";

export const proxy = auth((req) => {
  if (req.auth?.user || req.nextUrl.pathname.startsWith("/account/confirm/")) return NextResponse.next();
  const returnUrl = req.nextUrl.pathname + req.nextUrl.search;
  const url = new URL("/users/account/LogOn", req.nextUrl.origin);
  url.searchParams.set("returnUrl", returnUrl);
  return NextResponse.redirect(url);
});

export const config = { matcher: ["/account/:path*"] };
