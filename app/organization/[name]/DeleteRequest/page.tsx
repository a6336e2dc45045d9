// GET /organization/{name}/DeleteRequest: nuget.org's Delete Organization page
// (Views/Organizations/DeleteAccount.cshtml). Administrators only; anyone else gets 404.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteOrganizationForm } from "@/components/organizations/delete-organization-form";
import { db } from "@/lib/db";
import { deleteRequestView } from "@/lib/organizations/deletion";
import { requireUser } from "@/lib/session";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  const { name } = await params;
  return { title: `Delete Organization ${decode(name)}` };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export default async function DeleteOrganizationPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const user = await requireUser(`/organization/${name}/DeleteRequest`);
  const view = await deleteRequestView(db, user.id, decode(name));
  if (!view) notFound();
  const orgPath = `/organization/${encodeURIComponent(view.username)}`;
  const blocked = view.soleOwnedPackages.length > 0 || view.otherMembers.length > 0;
  return (
    <div className="max-w-4xl space-y-4">
      <nav aria-label="Breadcrumb" className="flex flex-wrap items-center gap-2 text-2xl font-light">
        <Link href="/account/Organizations">Organizations</Link>
        <span aria-hidden="true">›</span>
        <Link href={orgPath}>{view.username}</Link>
        <span aria-hidden="true">›</span>
        <span aria-current="page">Delete</span>
      </nav>
      <h1 className="text-3xl font-light">{`Delete Organization ${view.username}`}</h1>
      <div role="note" className="border-l-4 border-yellow-600 bg-yellow-50 px-3 py-2">
        <strong>Important</strong> Once your organization is deleted you cannot undo it.{" "}
        <strong>The organization name will be reserved and it will not be able to be reused.</strong>{" "}
        <a href="https://go.microsoft.com/fwlink/?linkid=870439">Read more.</a>
      </div>
      <p>When your organization is deleted we will:</p>
      <ul className="list-disc pl-6">
        <li>Remove your organization from ownership of any packages.</li>
        <li>Remove your organization from ownership of any ID prefix reservations and delete any ID prefix reservations that your organization was the only owner of.</li>
        <li>Not delete the NuGet packages associated with the organization.</li>
      </ul>
      {view.soleOwnedPackages.length > 0 && (
        <section aria-label="Packages" className="space-y-2">
          <p>
            Before deleting your organization, you must transfer ownership of any package where you are the sole owner, using the{" "}
            <em>manage owners</em> button for that package below.{" "}
            <a href="https://docs.microsoft.com/nuget/nuget-org/publish-a-package#managing-package-owners-on-nugetorg">Read more about Manage package owners.</a>
          </p>
          <ul className="list-disc pl-6">
            {view.soleOwnedPackages.map((id) => (
              <li key={id}>{id}</li>
            ))}
          </ul>
        </section>
      )}
      {view.otherMembers.length > 0 && (
        <section aria-label="Other members" className="space-y-2">
          <p>
            Before deleting your organization, you must remove any other members from it using the{" "}
            <Link href={orgPath}>manage organization</Link> page.
          </p>
          <ul className="list-disc pl-6">
            {view.otherMembers.map((m) => (
              <li key={m.username}>{`${m.username} (${m.isAdmin ? "Administrator" : "Collaborator"})`}</li>
            ))}
          </ul>
        </section>
      )}
      <DeleteOrganizationForm org={view.username} canDelete={!blocked} />
    </div>
  );
}
