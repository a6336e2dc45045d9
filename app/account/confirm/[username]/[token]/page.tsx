// The link from the confirmation mail. Works signed out (the token proves the mailbox); an
// expired, used or wrong token gets a clear page, never an error.
import type { Metadata } from "next";
import Link from "next/link";
import { confirmEmail } from "@/lib/accounts/email-tokens";
import { db } from "@/lib/db";
import { getOptionalUser } from "@/lib/session";

export const metadata: Metadata = { title: "Confirm your account" };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export default async function ConfirmPage({ params }: { params: Promise<{ username: string; token: string }> }) {
  const { username, token } = await params;
  const result = await confirmEmail(db, decode(username), decode(token));
  const signedIn = (await getOptionalUser()) !== null;
  const next = signedIn ? (
    <Link href="/account/apikeys">Manage your API keys</Link>
  ) : (
    <Link href="/users/account/LogOn?returnUrl=%2Faccount%2Fapikeys">Sign in</Link>
  );
  const resend = signedIn ? (
    <Link href="/account/confirm">Send a new confirmation link</Link>
  ) : (
    <Link href="/users/account/LogOn?returnUrl=%2Faccount%2Fconfirm">Sign in to get a new confirmation link</Link>
  );
  return (
    <div className="max-w-2xl space-y-4">
      {result.status === "confirmed" || result.status === "already-confirmed" ? (
        <>
          <h1 className="text-3xl font-light">Account confirmed</h1>
          <p>
            {result.status === "confirmed" ? "Thank you for confirming your email address." : "Your email address is already confirmed."}{" "}
            You can now create API keys and push packages. {next}.
          </p>
        </>
      ) : result.status === "expired" ? (
        <>
          <h1 className="text-3xl font-light">Confirmation link expired</h1>
          <p>This confirmation link has expired. {resend}.</p>
        </>
      ) : (
        <>
          <h1 className="text-3xl font-light">Confirmation link not valid</h1>
          <p>This confirmation link is not valid: it may have been used already or replaced by a newer one. {resend}.</p>
        </>
      )}
    </div>
  );
}
