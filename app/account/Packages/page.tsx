// GET /account/Packages: nuget.org's Manage Packages page for the packages this user owns,
// with what nuget.org does not show: who pushed each version with which key, and which of the
// user's keys can push each package today. Server-rendered and paged (50 a page), so an
// account with 10,000 packages gets a page as light as one with 5 (NuGetGallery#4604).
import { AccountBreadcrumb, AddNewLink } from "@/components/layout/account-breadcrumb";
import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { listOwnedPackages, readListingQuery, PAGE_SIZE, type ListingQuery } from "@/lib/packages/listing";
import { listReceivedOwnershipRequests } from "@/lib/packages/owners";
import { listMemberOrganizations } from "@/lib/organizations/store";
import { PackageCard } from "./package-card";
import { AccountFilter, Answered, ReceivedRequests } from "./owner-requests";

export const metadata: Metadata = { title: "Manage Packages" };

type Params = Record<string, string | string[] | undefined>;

export default async function ManagePackagesPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireUser("/account/Packages");
  const params = await searchParams;
  const query = readListingQuery(params);
  const now = new Date();
  // nuget.org's account filter: you, or one of your organizations (either role). Without one
  // asked for, the three reads run at once; an organization's id is known only after the first.
  const [organizations, received, own] = await Promise.all([
    listMemberOrganizations(db, user.id),
    listReceivedOwnershipRequests(db, user.id),
    query.owner ? null : listOwnedPackages(db, user.id, query, now),
  ]);
  const accounts = [{ id: user.id, username: user.username }, ...organizations];
  const account = accounts.find((a) => a.username.toLowerCase() === query.owner.toLowerCase()) ?? accounts[0];
  const listing = own ?? (await listOwnedPackages(db, user.id, query, now, account.id));
  if (account.id === user.id) query.owner = "";
  const owned = listing.allCount;
  const first = (listing.page - 1) * PAGE_SIZE + 1;
  const href = (change: Partial<ListingQuery>) => pageHref({ ...query, page: listing.page, ...change });

  return (
    <div className="max-w-5xl">
      <AccountBreadcrumb username={user.username} title="Manage Packages">
        <AddNewLink href="/packages/manage/upload" />
      </AccountBreadcrumb>

      <Answered params={params} />
      {accounts.length > 1 && <AccountFilter accounts={accounts.map((a) => a.username)} selected={account.username} />}
      <ReceivedRequests requests={received} />

      {owned === 0 && !query.q ? (
        <NoPackages />
      ) : (
        <>
          <div className="mb-3 flex flex-wrap items-end justify-between gap-3 border-b border-gray-300 pb-3">
            <ul className="flex gap-1 text-sm" aria-label="Show">
              {(
                [
                  ["all", "All packages", owned],
                  ["listed", "Published", listing.listedCount],
                  ["unlisted", "Unlisted", listing.unlistedCount],
                ] as const
              ).map(([filter, label, count]) => (
                <li key={filter}>
                  <Link
                    href={href({ filter, page: 1 })}
                    aria-current={query.filter === filter ? "page" : undefined}
                    className={`block rounded px-3 py-1.5 hover:no-underline ${query.filter === filter ? "bg-nuget-bar text-white! hover:text-white!" : "bg-nuget-panel text-gray-800!"}`}
                  >
                    {label} ({count.toLocaleString("en-US")})
                  </Link>
                </li>
              ))}
            </ul>
            <form role="search" method="get" action="/account/Packages" className="flex items-end gap-2">
              <input type="hidden" name="filter" value={query.filter} />
              {query.owner && <input type="hidden" name="owner" value={query.owner} />}
              <label className="text-sm">
                <span className="block font-semibold">Search your packages</span>
                <input name="q" defaultValue={query.q} maxLength={128} placeholder="Part of a package ID" className="w-64 rounded border border-gray-400 px-2 py-1" />
              </label>
              <button type="submit" className="rounded bg-nuget-blue px-4 py-1.5 text-white hover:bg-[#286090]">
                Search
              </button>
            </form>
          </div>

          <p role="status" className="mb-2 text-sm text-gray-700">
            {listing.total === 0
              ? "There are no packages that fit this criteria."
              : `Showing ${first.toLocaleString("en-US")}–${(first + listing.packages.length - 1).toLocaleString("en-US")} of ${listing.total.toLocaleString("en-US")} ${listing.total === 1 ? "package" : "packages"}`}
          </p>

          <ul aria-label="Packages">
            {listing.packages.map((p) => (
              <li key={p.id}>
                <PackageCard pkg={p} now={now} />
              </li>
            ))}
          </ul>

          {listing.pageCount > 1 && (
            <nav aria-label="Pagination" className="mt-4 flex items-center justify-center gap-4">
              {listing.page > 1 ? <Link href={href({ page: listing.page - 1 })}>« Previous</Link> : <span className="text-gray-400">« Previous</span>}
              <span>
                Page {listing.page.toLocaleString("en-US")} of {listing.pageCount.toLocaleString("en-US")}
              </span>
              {listing.page < listing.pageCount ? <Link href={href({ page: listing.page + 1 })}>Next »</Link> : <span className="text-gray-400">Next »</span>}
            </nav>
          )}
        </>
      )}
    </div>
  );
}

function pageHref({ page, filter, q, owner }: ListingQuery): string {
  const params = new URLSearchParams();
  if (owner) params.set("owner", owner);
  if (filter && filter !== "all") params.set("filter", filter);
  if (q) params.set("q", q);
  if (page && page > 1) params.set("page", String(page));
  const s = params.toString();
  return s ? `/account/Packages?${s}` : "/account/Packages";
}

/** The first-visit state: how to get a package here with a key from this site. */
async function NoPackages() {
  const h = await headers();
  const base = `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host") ?? "localhost"}`;
  return (
    <div className="space-y-3">
      <p className="rounded border border-sky-300 bg-sky-50 px-4 py-3 text-sm text-sky-900">You don&apos;t own any packages yet.</p>
      <p>
        Create an API key with the Push scope on the <Link href="/account/apikeys">API Keys</Link> page, then push a package with any NuGet client:
      </p>
      <pre className="overflow-x-auto rounded bg-nuget-panel p-3 text-sm">
        nuget push MyPackage.1.0.0.nupkg -Source {base}/api/v2/package -ApiKey &lt;your API key&gt;
      </pre>
    </div>
  );
}
