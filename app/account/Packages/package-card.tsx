// One owned package: owners, latest version, the user's keys that can push it, and its
// versions (who pushed each, with which key, when, how big) behind a native <details>.
import Link from "next/link";
import dayjs from "dayjs";
import utc from "dayjs/plugin/utc";
import { ACTION_DESCRIPTIONS } from "@/lib/api-keys/scopes";
import type { PackageRow, PushKey, VersionRow } from "@/lib/packages/listing";

dayjs.extend(utc);

const DAY = 86_400_000;

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

function StatusBadge({ listed, empty = false }: { listed: boolean; empty?: boolean }) {
  // a registration nobody has pushed to yet (the demo's sample ids) is not "unlisted"
  const label = empty ? "No versions yet" : listed ? "Listed" : "Unlisted";
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${listed ? "bg-green-100 text-green-900" : "bg-gray-200 text-gray-800"}`}>
      {label}
    </span>
  );
}

export function PackageCard({ pkg, now }: { pkg: PackageRow; now: Date }) {
  const headingId = `package-${pkg.id}`;
  return (
    <article aria-labelledby={headingId} className="border-b border-gray-200 py-4">
      <div className="flex gap-3">
        <PackageIcon />
        <div className="min-w-0 flex-1 space-y-1">
          <h2 className="flex flex-wrap items-center gap-2 text-lg font-semibold break-all">
            <span id={headingId}>{pkg.packageId}</span>
            <StatusBadge listed={pkg.listed} empty={pkg.versionCount === 0} />
          </h2>
          <p>
            <span className="font-semibold">Owners:</span> {pkg.owners.join(", ")}
          </p>
          <p>
            <span className="font-semibold">Latest version:</span> {pkg.latestVersion ?? "none"}
          </p>
          <p>
            <Link href={`/packages/${encodeURIComponent(pkg.packageId)}/Manage`} aria-label={`Manage owners of ${pkg.packageId}`}>
              Manage owners
            </Link>
          </p>
          <div>
            <span className="font-semibold">Your API keys that can push it:</span>{" "}
            {pkg.pushKeys.length === 0 ? (
              <span>
                none. <Link href="/account/apikeys">Create an API key</Link> with the Push scope and a package or glob pattern that matches {pkg.packageId}.
              </span>
            ) : (
              <ul aria-label={`API keys that can push ${pkg.packageId}`} className="mt-1 ml-5 list-disc">
                {pkg.pushKeys.map((k) => (
                  <KeyItem key={k.id} pushKey={k} now={now} />
                ))}
              </ul>
            )}
          </div>
        </div>
      </div>
      {pkg.versionCount > 0 && (
        <details className="mt-2 ml-11">
          <summary className="cursor-pointer text-nuget-link">
            {pkg.versionCount === 1 ? "1 version" : `${pkg.versionCount.toLocaleString("en-US")} versions`}
          </summary>
          <VersionTable pkg={pkg} />
        </details>
      )}
    </article>
  );
}

function KeyItem({ pushKey, now }: { pushKey: PushKey; now: Date }) {
  const days = Math.ceil((pushKey.expiresAt.getTime() - now.getTime()) / DAY);
  return (
    <li>
      <Link href="/account/apikeys">{pushKey.name}</Link> — {ACTION_DESCRIPTIONS[pushKey.action]}
      <span className={days <= 10 ? "text-amber-800" : "text-gray-600"}> · expires in {days === 1 ? "1 day" : `${days} days`}</span>
    </li>
  );
}

function PushedBy({ v }: { v: VersionRow }) {
  const who = v.pushedBy ?? "a deleted account";
  if (v.via === "browser") return <>{who}, uploaded in the browser</>;
  if (!v.keyName) return <>{who}</>;
  return (
    <>
      {who} with key <span className="font-semibold">{v.keyName}</span>
      {v.keyDeleted && <span className="text-gray-600"> (deleted key)</span>}
    </>
  );
}

function VersionTable({ pkg }: { pkg: PackageRow }) {
  return (
    <>
      <table className="mt-2 w-full text-left text-sm">
        <caption className="sr-only">Versions of {pkg.packageId}</caption>
        <thead className="border-b border-gray-300">
          <tr>
            <th className="py-1 pr-4">Version</th>
            <th className="py-1 pr-4">Status</th>
            <th className="py-1 pr-4">Pushed</th>
            <th className="py-1 pr-4">Pushed by</th>
            <th className="py-1 text-right">Size</th>
          </tr>
        </thead>
        <tbody>
          {pkg.versions.map((v) => (
            <tr key={v.version} className="border-b border-gray-100">
              <td className="py-1 pr-4 font-mono">{v.version}</td>
              <td className="py-1 pr-4">
                <StatusBadge listed={v.listed} />
              </td>
              <td className="py-1 pr-4 whitespace-nowrap">
                <time dateTime={v.pushedAt.toISOString()}>{dayjs(v.pushedAt).utc().format("YYYY-MM-DD HH:mm [UTC]")}</time>
              </td>
              <td className="py-1 pr-4">
                <PushedBy v={v} />
              </td>
              <td className="py-1 text-right whitespace-nowrap">{formatSize(v.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pkg.versionCount > pkg.versions.length && (
        <p className="mt-1 text-sm text-gray-600">
          Showing the {pkg.versions.length} most recently pushed of {pkg.versionCount.toLocaleString("en-US")} versions.
        </p>
      )}
    </>
  );
}

/** nuget.org's default package icon: a blue box. */
function PackageIcon() {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className="mt-1 h-8 w-8 shrink-0 text-nuget-blue">
      <path fill="currentColor" d="M16 2 3 8.5v15L16 30l13-6.5v-15L16 2Zm0 3.2 9.4 4.7L16 14.6 6.6 9.9 16 5.2ZM5.5 12l9.3 4.7v10.1l-9.3-4.6V12Zm11.7 14.8V16.7l9.3-4.7v10.2l-9.3 4.6Z" />
    </svg>
  );
}
