// GET /organization/{name}: nuget.org's Manage Organization page, for its members (either role):
// confirmation notices, Email Address, Email Notifications, Profile Picture, Members, Delete.
import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import Link from "next/link";
import { AccountBreadcrumb } from "@/components/layout/account-breadcrumb";
import { Members } from "@/components/organizations/members";
import { DeleteSection, EmailSection, NotificationsSection, ProfilePictureSection } from "@/components/organizations/settings-sections";
import { organizationSettings } from "@/lib/organizations/settings";
import { db } from "@/lib/db";
import { viewOrganization } from "@/lib/organizations/store";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "Manage Organization" };

type Params = Record<string, string | string[] | undefined>;

export default async function ManageOrganizationPage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Params> }) {
  const { name } = await params;
  const decoded = (() => {
    try {
      return decodeURIComponent(name);
    } catch {
      return "";
    }
  })();
  const user = await requireUser(`/organization/${name}`);
  const [org, settings] = await Promise.all([viewOrganization(db, user.id, decoded), organizationSettings(db, user.id, decoded)]);
  // nuget.org answers 403 "User is not authorized": the same for no such organization
  if (!org || !settings) {
    forbidden();
  }
  const joined = (await searchParams).joined === "1";
  return (
    <div className="max-w-5xl space-y-4">
      <AccountBreadcrumb username={user.username} title={org.username} />
      {joined && (
        <div role="status" className="border-l-4 border-green-700 bg-green-50 px-3 py-2 text-green-900">
          {`You are now a member of organization '${org.username}'.`}
        </div>
      )}
      <p>{org.isAdmin ? "You are an administrator of this organization." : "You are a collaborator of this organization. You must be an administrator to make changes to it."}</p>
      {!org.confirmed && (
        <div role="note" className="border-l-4 border-yellow-600 bg-yellow-50 px-3 py-2">
          <p>Your organization needs to be confirmed before you can upload any packages to it.</p>
          <p>
            Uploading packages requires that you{" "}
            {org.isAdmin ? <Link href={`/organization/${encodeURIComponent(org.username)}/ConfirmationRequired`}>confirm your organization account</Link> : "confirm your organization account"}.
            Why not get that out of the way now?
          </p>
        </div>
      )}
      <EmailSection org={settings} />
      <NotificationsSection org={settings} />
      <ProfilePictureSection org={settings} />
      <Members org={org} me={user.username} />
      {org.isAdmin && (
        <p>
          <Link href={`/organization/${encodeURIComponent(org.username)}/apikeys`}>API Keys</Link>: every key that can act for this organization.
        </p>
      )}
      <DeleteSection org={settings} />
    </div>
  );
}
