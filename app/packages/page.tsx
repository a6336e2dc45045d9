// GET /packages: nuget.org's package search — a search box and the listed packages that match the
// words of their id or description (lib/packages/search.ts), 20 a page, with their descriptions
// and total downloads. Skips stop at nuget.org's 3,000.
import type { Metadata } from "next";
import Link from "next/link";
import { Pager } from "@/components/ui/pager";
import { db } from "@/lib/db";
import { DEFAULT_TAKE, MAX_QUERY_LENGTH, MAX_SKIP, searchPackages } from "@/lib/packages/search";

export const metadata: Metadata = { title: "Packages" };

type Params = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";
/** the last page whose skip nuget.org's search still answers */
const LAST_PAGE = MAX_SKIP / DEFAULT_TAKE + 1;

function readPage(text: string): number {
  if (!/^\d{1,9}$/.test(text)) return 1;
  return Math.min(Math.max(Number(text), 1), LAST_PAGE);
}

export default async function Packages({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const q = one(params.q).trim().slice(0, MAX_QUERY_LENGTH);
  const page = readPage(one(params.page));
  const result = await searchPackages(db, { q, skip: (page - 1) * DEFAULT_TAKE, take: DEFAULT_TAKE, prerelease: true });
  const pageCount = Math.min(Math.ceil(result.totalHits / DEFAULT_TAKE), LAST_PAGE);
  const href = (n: number) => `/packages?${new URLSearchParams({ ...(q ? { q } : {}), ...(n > 1 ? { page: String(n) } : {}) })}`;
  const count = result.totalHits.toLocaleString("en-US");
  const packages = result.totalHits === 1 ? "package" : "packages";
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-light">Packages</h1>
        <form action="/packages" method="get" role="search" aria-label="Packages" className="flex max-w-3xl">
          <label htmlFor="search" className="sr-only">
            Search for packages
          </label>
          <input
            id="search"
            name="q"
            type="search"
            defaultValue={q}
            maxLength={MAX_QUERY_LENGTH}
            placeholder="Search for packages..."
            autoComplete="off"
            className="min-w-0 flex-1 border border-gray-400 px-3 py-2 text-lg"
          />
          <button type="submit" className="bg-nuget-bar px-4 text-white hover:bg-nuget-bar-dark">
            Search
          </button>
        </form>
      <p role="status">
        {q ? (
          <>
            {count} {packages} returned for <b>{q}</b>
          </>
        ) : (
          <>
            There {result.totalHits === 1 ? "is" : "are"} {count} {packages}
          </>
        )}
      </p>
      {result.hits.length === 0 ? (
        <p>{q ? "No packages match your search. Try fewer or shorter words." : "No packages have been published here yet."}</p>
      ) : (
        <ul aria-label="Search results" className="divide-y divide-gray-200">
          {result.hits.map((hit) => (
            <li key={hit.packageId} className="py-4">
              <article aria-label={hit.packageId} className="space-y-1">
                <h2 className="flex flex-wrap items-baseline gap-x-3">
                  <Link href={`/packages/${encodeURIComponent(hit.packageId)}`} className="text-xl break-all text-nuget-link underline">
                    {hit.packageId}
                  </Link>
                  {hit.verified && (
                    <span className="text-sm text-gray-700" title="The ID prefix of this package has been reserved for one of the owner(s) of this package by NuGet.org">
                      Prefix reserved
                    </span>
                  )}
                </h2>
                <p className="text-gray-700">
                  Latest version: <b>{hit.version}</b> · {hit.versions.length === 1 ? "1 version" : `${hit.versions.length} versions`} ·{" "}
                  {hit.totalDownloads.toLocaleString("en-US")} total {hit.totalDownloads === 1 ? "download" : "downloads"}
                </p>
                {hit.description && <p className="line-clamp-3 break-words">{hit.description}</p>}
              </article>
            </li>
          ))}
        </ul>
      )}
      <Pager page={page} pageCount={pageCount} href={href} label="Search results pages" />
    </div>
  );
}
