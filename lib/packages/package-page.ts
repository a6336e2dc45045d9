// Read query of the package page /packages/{id}[/{version}] (nuget.org's DisplayPackage): the
// versions, who owns the id, which version is shown and what its nuspec says. Unlisted versions
// exist only for the owners (and administrators of an owning organization): to anyone else an
// unlisted version answers like a missing one, and an id with no listed version like a missing id.
import "server-only";
import { readFile } from "node:fs/promises";
import type { Db } from "@/lib/create-db";
import { driverReader, type DriverSql } from "@/lib/driver-sql";
import { packageIdKey } from "@/lib/nuget/package-id";
import { readNuspecDetails, type NuspecDetails } from "@/lib/nuget/nuspec-details";
import { parseVersion } from "@/lib/nuget/version";
import { packageFilePath, packagesDir } from "./files";
import { compareVersions } from "./listing";

/** Rows in the versions table; the rest are counted ("and N older versions"). Each row costs the page its HTML and its RSC payload: 100 rows made an id with 1,000 versions render in 2.2-2.5x the time of a one-version id (bench/packages.ts). */
export const VERSIONS_TABLE_SIZE = 30;
/**
 * Version rows read per view, the newest pushes first: SemVer order needs them in memory, and an
 * id with tens of thousands of versions must not cost a page view that many rows.
 */
export const MAX_VERSIONS_READ = 5_000;
/**
 * A package's nuspec is read from its stored .nupkg only up to this size: the zip reader takes
 * the whole file in memory, and a page view must not read hundreds of MB. Bigger packages show
 * no description or readme.
 */
export const MAX_DETAILS_READ = 16 * 1024 * 1024;

export interface PageVersion {
  version: string;
  listed: boolean;
  pushedAt: Date;
  downloads: number;
}

export interface PackagePage {
  packageId: string;
  verified: boolean;
  /** every version's downloads */
  totalDownloads: number;
  /** the version shown */
  version: PageVersion;
  /** the newest listed stable, else newest listed (what /packages/{id} shows) */
  isLatest: boolean;
  /** newest first, at most VERSIONS_TABLE_SIZE */
  versions: PageVersion[];
  versionCount: number;
  owners: { username: string; isOrganization: boolean }[];
  /** an owner or an administrator of an owning organization: sees unlisted versions and "Manage package" */
  canManage: boolean;
  /** null when the package file could not be read (or is over MAX_DETAILS_READ) */
  details: NuspecDetails | null;
}

/** Each version's listed flag ('1' or '0') and text, the newest pushes first (see MAX_VERSIONS_READ). */
const VERSION_FLAGS: DriverSql = {
  name: "package_page_versions",
  sqlite: `SELECT CASE WHEN listed THEN '1' ELSE '0' END || version FROM PackageVersion WHERE registrationId = ? ORDER BY pushedAt DESC, id LIMIT ?`,
  postgresql: `SELECT CASE WHEN listed THEN '1' ELSE '0' END || version FROM "PackageVersion" WHERE "registrationId" = $1 ORDER BY "pushedAt" DESC, id LIMIT $2`,
};

const LISTED_VERSION_FLAGS: DriverSql = {
  name: "package_page_listed_versions",
  sqlite: `SELECT '1' || version FROM PackageVersion WHERE registrationId = ? AND listed = 1 ORDER BY pushedAt DESC, id LIMIT ?`,
  postgresql: `SELECT '1' || version FROM "PackageVersion" WHERE "registrationId" = $1 AND listed ORDER BY "pushedAt" DESC, id LIMIT $2`,
};

function latestOf<T extends { version: string; listed: boolean }>(versions: T[]): T | undefined {
  const listed = versions.filter((v) => v.listed);
  return listed.find((v) => !v.version.includes("-")) ?? listed[0] ?? versions[0];
}

export async function viewPackagePage(db: Db, packageId: string, versionText: string | null, viewerId: string | null, dir = packagesDir()): Promise<PackagePage | null> {
  if (!packageId || packageId.length > 200) return null;
  const reg = await db.packageRegistration.findUnique({
    where: { idKey: packageIdKey(packageId) },
    select: {
      id: true,
      packageId: true,
      idKey: true,
      verified: true,
      totalDownloads: true,
      owners: { where: { user: { deletedAt: null } }, select: { userId: true, user: { select: { username: true, isOrganization: true } } } },
    },
  });
  if (!reg) return null;
  const ownerIds = reg.owners.map((o) => o.userId);
  const canManage =
    viewerId !== null &&
    (ownerIds.includes(viewerId) || (await db.membership.count({ where: { memberId: viewerId, isAdmin: true, organizationId: { in: ownerIds } } })) > 0);
  const visible = { registrationId: reg.id, ...(canManage ? {} : { listed: true }) };
  // Only each version's text and listed flag for all of them (SemVer order is computed here), by
  // the driver: for an id with 1,000 versions Prisma's rows cost more than the rest of the page
  // (bench/packages.ts). Then the rows of the versions shown, at most VERSIONS_TABLE_SIZE + 1.
  const flagged = await driverReader(db).column<string>(canManage ? VERSION_FLAGS : LISTED_VERSION_FLAGS, [reg.id, MAX_VERSIONS_READ]);
  if (flagged.length === 0) return null;
  const all = flagged.map((f) => ({ version: f.slice(1), listed: f[0] === "1" })).sort((a, b) => compareVersions(b.version, a.version));
  const latest = latestOf(all)!;
  let shownKey = latest.version.toLowerCase();
  if (versionText !== null) {
    const parsed = parseVersion(versionText);
    if (!parsed) return null;
    shownKey = parsed.key;
  }
  const tableKeys = all.slice(0, VERSIONS_TABLE_SIZE).map((v) => v.version.toLowerCase());
  const select = { id: true, version: true, versionKey: true, listed: true, pushedAt: true, size: true, downloadCount: true } as const;
  const [rows, versionCount] = await Promise.all([
    // the asked version may be one of an old id's oldest, past the versions read
    db.packageVersion.findMany({ where: { ...visible, versionKey: { in: [...new Set([...tableKeys, shownKey])] } }, select }),
    all.length < MAX_VERSIONS_READ ? all.length : db.packageVersion.count({ where: visible }),
  ]);
  const byKey = new Map(rows.map((r) => [r.versionKey, r]));
  const shown = byKey.get(shownKey);
  if (!shown) return null;
  const versions = tableKeys.flatMap((k) => {
    const r = byKey.get(k);
    return r ? [{ version: r.version, listed: r.listed, pushedAt: r.pushedAt, downloads: r.downloadCount }] : [];
  });

  let details: NuspecDetails | null = null;
  if (shown.size <= MAX_DETAILS_READ) {
    try {
      details = await readNuspecDetails(await readFile(packageFilePath(dir, reg.idKey, shown.versionKey, shown.id)));
    } catch {
      details = null;
    }
  }
  return {
    packageId: reg.packageId,
    verified: reg.verified,
    totalDownloads: reg.totalDownloads,
    version: { version: shown.version, listed: shown.listed, pushedAt: shown.pushedAt, downloads: shown.downloadCount },
    isLatest: shown.version === latest.version,
    versions,
    versionCount,
    owners: reg.owners.map((o) => o.user).sort((a, b) => a.username.localeCompare(b.username)),
    canManage,
    details,
  };
}
