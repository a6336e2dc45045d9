// GET /admin/ReservedNamespaces: nuget.org's admin page for reserved ID prefixes. Site
// administrators only (SITE_ADMINS); anyone else gets the site's 404, as if it did not exist.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ReservedNamespaces } from "@/components/admin/reserved-namespaces";
import { listReservations } from "@/lib/admin/reserved-namespaces";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "Reserved Namespaces" };

export default async function ReservedNamespacesPage() {
  const user = await requireUser("/admin/ReservedNamespaces");
  const rows = await listReservations(db, user.id);
  if (!rows) notFound();
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-3xl font-light">Reserved Namespaces</h1>
      <p>
        A new package ID inside a reserved namespace can only be pushed by its owners (users or organizations), unless the namespace is shared. A prefix
        ends in &apos;.&apos; or &apos;-&apos; as a rule (&apos;Contoso.&apos;); an exact namespace is one ID.
      </p>
      <ReservedNamespaces rows={rows} />
    </div>
  );
}
