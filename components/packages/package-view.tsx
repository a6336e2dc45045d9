// nuget.org's package page for what this site knows: the id and version, the install commands of
// the common clients, the description and readme from the nuspec, the versions table, the owners
// (linking to their profiles) and, for those who manage the id, "Manage package"; downloads per
// version and in all (lib/packages/downloads.ts).
import Link from "next/link";
import { Avatar } from "@/components/profiles/avatar";
import type { PackagePage } from "@/lib/packages/package-page";

function installCommands(id: string, version: string): { client: string; command: string }[] {
  return [
    { client: ".NET CLI", command: `dotnet add package ${id} --version ${version}` },
    { client: "Package Manager", command: `NuGet\\Install-Package ${id} -Version ${version}` },
    { client: "PackageReference", command: `<PackageReference Include="${id}" Version="${version}" />` },
    { client: "Paket CLI", command: `paket add ${id} --version ${version}` },
    { client: "Script & Interactive", command: `#r "nuget: ${id}, ${version}"` },
  ];
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function PackageView({ view, origin }: { view: PackagePage; origin: string }) {
  const { packageId, version, details } = view;
  const idPath = `/packages/${encodeURIComponent(packageId)}`;
  return (
    <div className="grid gap-8 md:grid-cols-[1fr_16rem]">
      <div className="min-w-0">
        <h1 className="flex flex-wrap items-baseline gap-3 text-3xl font-light">
          <span className="break-all">{packageId}</span>
          <span className="text-xl">{version.version}</span>
          {view.verified && (
            <span className="text-base text-green-800" title="The ID prefix of this package has been reserved for one of the owners of this package by NuGet.org.">
              ✔ Prefix Reserved
            </span>
          )}
        </h1>
        {!version.listed && (
          <p role="note" className="mt-3 rounded border border-nuget-warning-border bg-nuget-warning px-3 py-2">
            The owner has unlisted this package. This could mean that the package is deprecated, has security vulnerabilities or shouldn&apos;t be used anymore.
          </p>
        )}
        {!view.isLatest && view.version.listed && (
          <p role="note" className="mt-3 rounded border border-gray-300 bg-nuget-panel px-3 py-2">
            There is a newer version of this package available. See the version list below for details.
          </p>
        )}

        <section aria-labelledby="install-heading" className="mt-6">
          <h2 id="install-heading" className="text-xl font-light">
            Install
          </h2>
          <p className="mt-1 text-sm">
            Source: <code className="break-all">{origin}/v3/index.json</code>
          </p>
          <dl className="mt-2 space-y-2">
            {installCommands(packageId, version.version).map((c) => (
              <div key={c.client}>
                <dt className="text-sm font-semibold">{c.client}</dt>
                <dd>
                  <pre aria-label={`${c.client} command`} className="overflow-x-auto rounded bg-[#f0f0f0] px-3 py-2 text-sm" tabIndex={0}>
                    <code>{c.command}</code>
                  </pre>
                </dd>
              </div>
            ))}
          </dl>
        </section>

        <section aria-labelledby="readme-heading" className="mt-6">
          <h2 id="readme-heading" className="text-xl font-light">
            {details?.readme ? "README" : "Description"}
          </h2>
          {details?.readme ? (
            // plain text, never HTML: a readme's markup or script stays inert
            <pre className="mt-2 overflow-x-auto font-sans text-base whitespace-pre-wrap">{details.readme}</pre>
          ) : (
            <p className="mt-2 whitespace-pre-wrap">{details?.description ?? "No description is available for this package."}</p>
          )}
        </section>

        <section aria-labelledby="versions-heading" className="mt-6">
          <h2 id="versions-heading" className="text-xl font-light">
            Versions
          </h2>
          <table aria-labelledby="versions-heading" className="mt-2 w-full text-left">
            <thead>
              <tr className="border-b border-gray-300">
                <th scope="col" className="py-1 pr-4">
                  Version
                </th>
                <th scope="col" className="py-1 pr-4 text-right">
                  Downloads
                </th>
                <th scope="col" className="py-1 pr-4">
                  Last updated
                </th>
                {view.canManage && (
                  <th scope="col" className="py-1">
                    Status
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {view.versions.map((v) => (
                <tr key={v.version} className="border-b border-gray-200" aria-current={v.version === version.version ? "page" : undefined}>
                  <td className="py-1 pr-4">
                    <Link href={`${idPath}/${encodeURIComponent(v.version)}`} className="text-nuget-link underline">
                      {v.version}
                    </Link>
                  </td>
                  <td className="py-1 pr-4 text-right">{v.downloads.toLocaleString("en-US")}</td>
                  <td className="py-1 pr-4">
                    <time dateTime={v.pushedAt.toISOString()}>{day(v.pushedAt)}</time>
                  </td>
                  {view.canManage && <td className="py-1">{v.listed ? "Listed" : "Unlisted"}</td>}
                </tr>
              ))}
            </tbody>
          </table>
          {view.versionCount > view.versions.length && <p className="mt-2">and {view.versionCount - view.versions.length} older versions</p>}
        </section>
      </div>

      <aside aria-label="Package details" className="space-y-5">
        {view.canManage && (
          <p>
            <Link href={`${idPath}/Manage`} className="text-nuget-link underline">
              Manage package
            </Link>
          </p>
        )}
        <section aria-labelledby="downloads-heading">
          <h2 id="downloads-heading" className="text-lg font-semibold">
            Downloads
          </h2>
          <p>
            <b>{view.totalDownloads.toLocaleString("en-US")}</b> total {view.totalDownloads === 1 ? "download" : "downloads"}
          </p>
        </section>
        <section aria-labelledby="owners-heading">
          <h2 id="owners-heading" className="text-lg font-semibold">
            Owners
          </h2>
          <ul className="mt-2 space-y-2">
            {view.owners.map((o) => (
              <li key={o.username} className="flex items-center gap-2">
                <Avatar name={o.username} size={24} />
                <Link href={`/profiles/${encodeURIComponent(o.username)}`} className="break-all text-nuget-link underline">
                  {o.username}
                </Link>
              </li>
            ))}
          </ul>
        </section>
        {details?.authors && (
          <section aria-labelledby="authors-heading">
            <h2 id="authors-heading" className="text-lg font-semibold">
              Authors
            </h2>
            <p>{details.authors}</p>
          </section>
        )}
        {details?.readme && details.description && (
          <section aria-labelledby="about-heading">
            <h2 id="about-heading" className="text-lg font-semibold">
              About
            </h2>
            <p className="whitespace-pre-wrap">{details.description}</p>
          </section>
        )}
        <p>
          Last updated <time dateTime={version.pushedAt.toISOString()}>{day(version.pushedAt)}</time>
        </p>
      </aside>
    </div>
  );
}
