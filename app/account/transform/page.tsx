// GET /account/transform: nuget.org's Transform Account page (Views/Users/TransformToOrganization.cshtml).
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AccountBreadcrumb } from "@/components/layout/account-breadcrumb";
import { TransformForm } from "@/components/organizations/transform-form";
import { db } from "@/lib/db";
import { TRANSFORM_MESSAGES } from "@/lib/organizations/transform-rules";
import { transformPage } from "@/lib/organizations/transform";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "Transform Account" };

export default async function TransformAccountPage() {
  const user = await requireUser("/account/transform");
  const view = await transformPage(db, user.id);
  if (!view) redirect("/users/account/LogOn?returnUrl=%2Faccount%2Ftransform");
  const me = view.username;
  return (
    <div className="max-w-5xl space-y-4">
      <AccountBreadcrumb username={me} title="Transform Account" />
      <section aria-label="Warning" className="space-y-2 border-l-4 border-yellow-600 bg-yellow-50 px-4 py-3">
        <p className="font-semibold">This is an irreversible process. Once you transform this account to an organization:</p>
        <ul className="list-disc pl-6">
          {/* sic: nuget.org's "able sign in" */}
          <li>{`You will no longer be able sign in to ${me}.`}</li>
          <li>{`All permissions to manage ${me} and the packages it owns will be transferred to the administrator you choose here.`}</li>
          <li>
            Existing scoped API keys for this account will be transferred to the administrator. Full access API keys (legacy API keys without expiry){" "}
            <strong>will not be transferred and will be deleted.</strong>
          </li>
        </ul>
        <p>
          If you want to keep publishing packages as a person, create a separate personal account first and name it as the administrator.
        </p>
      </section>
      {view.pendingAdmin && <p role="status">{TRANSFORM_MESSAGES.inProgress(view.pendingAdmin)}</p>}
      <TransformForm username={me} email={view.email} refusal={view.refusal} />
    </div>
  );
}
