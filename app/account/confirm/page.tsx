// The confirmation page the API keys page links to: the state of the address and "resend".
import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/session";
import { ResendConfirmation } from "../_components/resend-confirmation";

export const metadata: Metadata = { title: "Confirm your account" };

export default async function ConfirmationRequiredPage() {
  const user = await requireUser("/account/confirm");
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-light">Confirm your account</h1>
      {user.emailConfirmed ? (
        <p>
          Your email address <strong>{user.email}</strong> is confirmed. <Link href="/account/apikeys">Manage your API keys</Link>.
        </p>
      ) : (
        <>
          <p>
            We sent a confirmation link to <strong>{user.email}</strong>. Open it to confirm your account; until then you
            cannot get an API key.
          </p>
          <ResendConfirmation />
        </>
      )}
    </div>
  );
}
