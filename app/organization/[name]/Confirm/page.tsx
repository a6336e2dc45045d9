// GET /organization/{name}/Confirm?token=…: the link in the organization's confirmation mails
// (nuget.org's Confirm, Views/Shared/Confirm.cshtml). As this app's account confirmation link,
// the GET confirms; as nuget.org, only a signed-in administrator of the organization can.
import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db";
import { confirmOrganizationEmail } from "@/lib/organizations/settings";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "Confirm your Organization" };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export default async function ConfirmOrganizationPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { name } = await params;
  const { token } = await searchParams;
  const tokenText = typeof token === "string" ? token : "";
  const user = await requireUser(`/organization/${name}/Confirm?token=${encodeURIComponent(tokenText)}`);
  const result = await confirmOrganizationEmail(db, user.id, decode(name), tokenText);
  const orgPath = `/organization/${encodeURIComponent(result.org)}`;
  if (result.status === "confirmed") {
    return (
      <div className="max-w-2xl space-y-4">
        <h1 className="text-3xl font-light">{result.newOrganization ? "Organization confirmed" : "Email confirmed"}</h1>
        <p>
          {result.newOrganization
            ? "Your organization's email address has been verified and your organization is confirmed."
            : "Your organization's email address has been verified."}{" "}
          <Link href={orgPath}>Manage organization</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-light">Email confirmation failed</h1>
      <div role="alert" className="space-y-1 border-l-4 border-red-700 bg-red-50 px-3 py-2 text-red-800">
        {result.status === "wrong-user" ? (
          <>
            <p>You cannot confirm a different user&apos;s email address!</p>
            <p>{`Please log in as '${result.org}' and then click the link again.`}</p>
          </>
        ) : result.status === "duplicate" ? (
          <>
            <p>Your email address has already been confirmed by another account (likely another account you own).</p>
            <p>
              You can <Link href={orgPath}>change your email address</Link>, reuse the account registered with this email address, or change the
              email address of the account registered with this email address.
            </p>
          </>
        ) : result.status === "already-confirmed" ? (
          <>
            <p>Your email address has already been confirmed.</p>
            <p>
              {`Is ${result.email} incorrect? `}
              <Link href={orgPath}>Change your email</Link>
            </p>
          </>
        ) : (
          <>
            <p>We could not confirm your email address. This probably means the confirmation token was invalid or expired.</p>
            <p>Please check that you used the link from the confirmation email we sent. If you did, try resending your confirmation email.</p>
          </>
        )}
      </div>
      {(result.status === "invalid" || result.status === "duplicate") && (
        <p>
          <Link href={`${orgPath}/ConfirmationRequired`}>Resend Confirmation Email</Link>
        </p>
      )}
    </div>
  );
}
