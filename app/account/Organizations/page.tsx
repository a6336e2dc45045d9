// GET /account/Organizations: nuget.org's Manage Organizations page (Views/Users/Organizations.cshtml):
// active memberships first, then pending invitations with accept and reject.
import type { Metadata } from "next";
import Link from "next/link";
import { AccountBreadcrumb, AddNewLink } from "@/components/layout/account-breadcrumb";
import { InvitationAnswer } from "@/components/organizations/invitation-answer";
import { TransformAnswer } from "@/components/organizations/transform-answer";
import { OwnTransformRequest, TransformFlash } from "@/components/organizations/transform-notices";
import { db } from "@/lib/db";
import { listOrganizationRows } from "@/lib/organizations/store";
import { transformState } from "@/lib/organizations/transform";
import { deletionFlash } from "@/lib/organizations/deletion";
import { USERNAME_PATTERN } from "@/lib/accounts/validation";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "Manage My Organizations" };

export default async function ManageOrganizationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser("/account/Organizations");
  const [rows, transforms] = await Promise.all([listOrganizationRows(db, user.id), transformState(db, user.id)]);
  const q = await searchParams;
  const { declined, deleted } = q;
  const deletedMessage = await deletionFlash(db, user.id, deleted);
  // transform requests naming the user as administrator come last, as pending rows
  const count = rows.length + transforms.asAdmin.length;
  return (
    <div className="max-w-5xl space-y-4">
      <AccountBreadcrumb username={user.username} title="Organizations">
        <AddNewLink href="/organization/add" />
      </AccountBreadcrumb>
      {/* only a name that could be an account's: the link cannot be made to say anything else */}
      {typeof declined === "string" && USERNAME_PATTERN.test(declined) && (
        <div role="status" className="border-l-4 border-green-700 bg-green-50 px-3 py-2 text-green-900">
          <h2 className="text-xl">Membership Declined</h2>
          <p>{`You have successfully declined your membership request for the '${declined}' organization!`}</p>
        </div>
      )}
      {deletedMessage && (
        <div role="status" className="border-l-4 border-green-700 bg-green-50 px-3 py-2 text-green-900">
          {deletedMessage}
        </div>
      )}
      <TransformFlash q={q} organizations={rows.filter((r) => !r.pending && r.isAdmin).map((r) => r.username)} />
      {transforms.ownAdmin && <OwnTransformRequest me={user.username} admin={transforms.ownAdmin} />}
      {count === 0 ? (
        <>
          <p>
            Organizations allow you to manage and publish packages as a team or a group.{" "}
            <a href="https://go.microsoft.com/fwlink/?linkid=870439">Learn more.</a>
          </p>
          <p>
            You are not a member of any organizations. Get started by <Link href="/organization/add">adding a new organization</Link>.
          </p>
          {!transforms.ownAdmin && (
            <p>
              You can also <Link href="/account/transform">transform your account into an organization</Link>.
            </p>
          )}
        </>
      ) : (
        <>
          <p>{count === 1 ? "You have 1 organization." : `You have ${count} organizations.`}</p>
          <table className="w-full text-left" aria-label="Organizations">
            <thead>
              <tr>
                <th>Organization</th>
                <th>Membership</th>
                <th>Members</th>
                <th>Packages</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.pending}-${r.username}`} aria-label={r.username}>
                  <td>
                    {r.username}
                    {r.pending && " (pending approval)"}
                    {r.expired && <em> (expired: ask an administrator to send it again)</em>}
                  </td>
                  <td>{r.isAdmin ? "Administrator" : "Collaborator"}</td>
                  <td>{r.members}</td>
                  <td>{r.packages}</td>
                  <td>
                    {r.pending ? (
                      <InvitationAnswer org={r.username} token={null} only={r.expired ? "reject" : undefined} />
                    ) : (
                      <Link href={`/organization/${encodeURIComponent(r.username)}`} title="Edit Organization" aria-label={`Edit Organization ${r.username}`}>
                        ✎
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
              {transforms.asAdmin.map((t) => (
                <tr key={`transform-${t.username}`} aria-label={t.username}>
                  <td>{`${t.username} (pending approval)`}</td>
                  <td>Administrator</td>
                  <td>0</td>
                  <td>{t.packages}</td>
                  <td>
                    <TransformAnswer account={t.username} token={null} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
