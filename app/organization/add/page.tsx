// GET /organization/add: nuget.org's Add Organization page.
import type { Metadata } from "next";
import { headers } from "next/headers";
import { AccountBreadcrumb } from "@/components/layout/account-breadcrumb";
import { AddOrganizationForm } from "@/components/organizations/add-organization-form";
import { appOrigin } from "@/lib/request-context";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "Add Organization" };

export default async function AddOrganizationPage() {
  const user = await requireUser("/organization/add");
  return (
    <div className="max-w-5xl space-y-4">
      <AccountBreadcrumb username={user.username} title="Add">
        <span className="sr-only">Organizations</span>
      </AccountBreadcrumb>
      <p>
        Organizations allow you to manage and publish packages as a team or a group.{" "}
        <a href="https://go.microsoft.com/fwlink/?linkid=870439">Learn more.</a>
      </p>
      <AddOrganizationForm origin={appOrigin(await headers())} />
    </div>
  );
}
