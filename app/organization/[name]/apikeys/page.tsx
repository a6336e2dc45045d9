// GET /organization/{name}/apikeys: every API key that acts for the organization, whoever made
// it, for its administrators (beyond nuget.org: NuGetGallery#8019, #5756). Anyone else gets 404,
// as nuget.org's administrator-only organization pages do.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import dayjs from "dayjs";
import { AccountBreadcrumb } from "@/components/layout/account-breadcrumb";
import { OrganizationKeys, type OrganizationKeyRow } from "@/components/organizations/organization-keys";
import { db } from "@/lib/db";
import { presentKey } from "@/lib/api-keys/present";
import { listOrganizationKeys } from "@/lib/organizations/keys";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "Organization API Keys" };

export default async function OrganizationKeysPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const user = await requireUser(`/organization/${name}/apikeys`);
  let decoded = "";
  try {
    decoded = decodeURIComponent(name);
  } catch {
    notFound();
  }
  const listed = await listOrganizationKeys(db, user.id, decoded);
  if (!listed) notFound();
  const now = new Date();
  const rows: OrganizationKeyRow[] = listed.keys.map((k) => ({
    ...presentKey({ ...k, ownerUsername: listed.organization }, now),
    creatorUsername: k.creatorUsername,
    creatorLeft: k.creatorLeft,
    expiresText: dayjs(k.expiresAt).format("MMM D, YYYY"),
    expiresIso: k.expiresAt.toISOString(),
    // a leak's revocation says who reported it instead (row.leak)
    revokedBy: k.revocationSource === "Organization" ? "an administrator" : k.revocationSource === "User" ? "its creator" : null,
  }));
  return (
    <div className="max-w-6xl space-y-4">
      <AccountBreadcrumb username={user.username} title={`${listed.organization} API keys`} />
      <p>
        Every API key that can act for <strong>{listed.organization}</strong>, whoever created it. Administrators can revoke any of them; its creator
        is told by email. Keys are never shown: only their creators ever saw them.{" "}
        <Link href={`/organization/${encodeURIComponent(listed.organization)}`}>Back to the organization</Link>
      </p>
      <OrganizationKeys org={listed.organization} rows={rows} />
    </div>
  );
}
