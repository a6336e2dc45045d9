// GET /packages/{id}/Manage: nuget.org's Manage Package page, here with its Owners section only
// (Listing, Deprecation and Documentation are not part of this site). Owners and administrators
// of an owning organization manage the owners; a collaborator of one sees nuget.org's warning;
// anyone else gets 404, the same as for an id that does not exist (nuget.org answers them 404 too
// on its package pages, and an existence oracle for other accounts' ids helps nobody).
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { OwnersSection } from "@/components/packages/owners-section";
import { db } from "@/lib/db";
import { OWNER_MESSAGES } from "@/lib/packages/owner-rules";
import { viewPackageOwners } from "@/lib/packages/owners";
import { requireUser } from "@/lib/session";

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Manage Package ${decode((await params).id)}` };
}

export default async function ManagePackagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/packages/${id}/Manage`);
  const view = await viewPackageOwners(db, user.id, decode(id));
  if (!view) notFound();
  return (
    <div className="max-w-4xl">
      <h1 className="flex flex-wrap items-baseline gap-3 text-3xl font-light">
        <span className="break-all">{view.packageId}</span>
        <span className="text-xl text-gray-600">Manage</span>
      </h1>
      {view.canManage ? (
        <OwnersSection packageId={view.packageId} owners={view.owners} />
      ) : (
        <section aria-labelledby="owners-heading" className="mt-6">
          <h2 id="owners-heading" className="text-[34px] leading-tight font-light">
            Owners
          </h2>
          <Alert tone="warning">{OWNER_MESSAGES.noPermission}</Alert>
        </section>
      )}
    </div>
  );
}
