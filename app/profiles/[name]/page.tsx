// GET /profiles/{name}: nuget.org's public profile of a user or an organization: its packages
// (paged), and for an organization's members its member counts and a pencil to its settings.
// An unknown or deleted account is 404.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Avatar } from "@/components/profiles/avatar";
import { Pager } from "@/components/ui/pager";
import { db } from "@/lib/db";
import { readProfilePage, viewProfile } from "@/lib/profiles/store";
import { getOptionalUser } from "@/lib/session";

type Params = Record<string, string | string[] | undefined>;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: decode((await params).name) };
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export default async function ProfilePage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<Params> }) {
  const [{ name }, query, viewer] = await Promise.all([params, searchParams, getOptionalUser()]);
  const profile = await viewProfile(db, decode(name), viewer?.id ?? null, readProfilePage(query));
  if (!profile) notFound();
  const base = `/profiles/${encodeURIComponent(profile.username)}`;
  const editHref = profile.isOrganization ? `/organization/${encodeURIComponent(profile.username)}` : "/account";
  return (
    <div className="grid gap-8 md:grid-cols-[16rem_1fr]">
      <aside aria-label="Profile" className="space-y-3">
        <Avatar name={profile.username} size={160} />
        <h1 className="flex items-center gap-2 text-3xl font-light break-all">
          {profile.username}
          {profile.canEdit && (
            <Link href={editHref} aria-label={profile.isOrganization ? `Edit organization ${profile.username}` : "Edit your account"} className="text-nuget-link" title="Edit">
              <span aria-hidden="true">✎</span>
            </Link>
          )}
        </h1>
        {profile.memberCounts && (
          <p>
            {plural(profile.memberCounts.administrators, "Administrator", "Administrators")} | {plural(profile.memberCounts.collaborators, "Collaborator", "Collaborators")}
          </p>
        )}
        <p className="text-gray-700">{profile.isOrganization ? "Organization" : "User"}</p>
      </aside>
      <section aria-labelledby="packages-heading">
        <h2 id="packages-heading" className="text-2xl font-light">
          {plural(profile.totalPackages, "Package", "Packages")}
        </h2>
        <p className="mt-1 text-gray-700">{plural(profile.totalDownloads, "Total download of packages", "Total downloads of packages")}</p>
        {profile.packages.length === 0 ? (
          <p className="mt-4">{profile.username} has no packages.</p>
        ) : (
          <ul aria-label={`Packages of ${profile.username}`} className="mt-4 divide-y divide-gray-200">
            {profile.packages.map((p) => (
              <li key={p.packageId} className="flex flex-wrap items-baseline gap-x-4 py-3">
                <Link href={`/packages/${encodeURIComponent(p.packageId)}`} className="text-xl break-all text-nuget-link underline">
                  {p.packageId}
                </Link>
                <span>
                  latest version: <b>{p.latestVersion}</b>
                </span>
                <span className="text-gray-700">
                  last updated <time dateTime={p.lastUpdated.toISOString()}>{p.lastUpdated.toISOString().slice(0, 10)}</time>
                </span>
                {!p.listed && <span className="rounded bg-gray-200 px-2 text-sm">Unlisted</span>}
              </li>
            ))}
          </ul>
        )}
        <Pager page={profile.page} pageCount={profile.pageCount} href={(n) => `${base}?page=${n}`} label="Packages pages" />
      </section>
    </div>
  );
}
