// GET /organization/{name}/ConfirmationRequired: nuget.org's "Confirm Your Organization Account"
// page (Views/Shared/ConfirmationRequired.cshtml); its button POSTs the mail again. Administrators
// only: anyone else gets 403 "User is not authorized".
import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import Link from "next/link";
import { ResendOrganizationConfirmation } from "@/components/organizations/resend-confirmation";
import { db } from "@/lib/db";
import { confirmationState } from "@/lib/organizations/settings";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "Confirm Your Organization Account" };

export default async function OrganizationConfirmationRequiredPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const user = await requireUser(`/organization/${name}/ConfirmationRequired`);
  const decoded = (() => {
    try {
      return decodeURIComponent(name);
    } catch {
      return "";
    }
  })();
  const state = await confirmationState(db, user.id, decoded);
  if (state.status === "not-authorized") {
    forbidden();
  }
  const orgPath = `/organization/${encodeURIComponent(state.org)}`;
  if (state.status === "already-confirmed") {
    return (
      <div className="max-w-2xl space-y-4">
        <h1 className="text-3xl font-light">Confirm Your Organization Email</h1>
        <p>Your organization email address has already been confirmed.</p>
      </div>
    );
  }
  return (
    <div className="max-w-2xl space-y-4">
      <ResendOrganizationConfirmation org={state.org} title={`Confirm Your Organization ${state.newOrganization ? "Account" : "Email"}`}>
        <p>
          {`A confirmation link was sent to your organization (${state.address}) when the ${state.newOrganization ? "account was created " : "email was changed"}. Please click on that link to verify your organization email address.`}
        </p>
        <p>If you cannot find this email (be sure to check your spam folder), you can resend the confirmation email.</p>
        <p>
          If you&apos;re still having trouble, you can <a href="mailto:support@nuget.org">contact support.</a>
        </p>
      </ResendOrganizationConfirmation>
      <p>
        {`Is ${state.address} incorrect? `}
        <Link href={orgPath}>Change your organization email</Link>
      </p>
    </div>
  );
}
