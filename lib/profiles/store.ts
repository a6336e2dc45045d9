// Read queries of the public profile page /profiles/{name} (nuget.org's Views/Users/Profiles):
// the account, the packages it owns one page at a time, and for an organization's members its
// member counts. A deleted (or unknown) account is null: the page answers 404.
import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/create-db";
import { compareVersions } from "@/lib/packages/listing";

/** nuget.org's profile page size */
export const PROFILE_PAGE_SIZE = 20;
/** versions read per package to find its latest; the newest pushes, so the latest is among them */
const VERSIONS_READ = 100;

export interface ProfilePackage {
  packageId: string;
  latestVersion: string;
  lastUpdated: Date;
  /** no listed version: only the owners see it, marked "Unlisted" */
  listed: boolean;
}

export interface Profile {
  username: string;
  isOrganization: boolean;
  createdAt: Date;
  packages: ProfilePackage[];
  page: number;
  pageCount: number;
  totalPackages: number;
  /** downloads of every package listed here, all pages */
  totalDownloads: number;
  /** for an organization's members only: "N Administrator(s) | M Collaborator(s)" */
  memberCounts: { administrators: number; collaborators: number } | null;
  /** the viewer is the account or a member of it: the pencil to /account or /organization/{name} */
  canEdit: boolean;
}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const pageSchema = z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1);

/** ?page=, forgiving: anything unusable is page 1. */
export function readProfilePage(params: Record<string, string | string[] | undefined>): number {
  return pageSchema.parse(params.page);
}

export async function viewProfile(db: Db, name: string, viewerId: string | null, pageAsked = 1): Promise<Profile | null> {
  if (!name || name.length > 64) return null;
  const account = await db.user.findFirst({
    where: { usernameKey: name.toLowerCase(), deletedAt: null },
    select: { id: true, username: true, isOrganization: true, createdAt: true },
  });
  if (!account) return null;
  const membership =
    viewerId && account.isOrganization
      ? await db.membership.findUnique({ where: { organizationId_memberId: { organizationId: account.id, memberId: viewerId } }, select: { isAdmin: true } })
      : null;
  // the account itself and an organization's administrators see its unlisted packages, as on Manage Packages
  const seesUnlisted = viewerId === account.id || membership?.isAdmin === true;
  const where = { owners: { some: { userId: account.id } }, versions: { some: seesUnlisted ? {} : { listed: true } } };

  const [totalPackages, downloads, memberRows] = await Promise.all([
    db.packageRegistration.count({ where }),
    db.packageRegistration.aggregate({ where, _sum: { totalDownloads: true } }),
    membership ? db.membership.groupBy({ by: ["isAdmin"], where: { organizationId: account.id }, _count: { _all: true } }) : Promise.resolve([]),
  ]);
  const pageCount = Math.max(1, Math.ceil(totalPackages / PROFILE_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(pageAsked) || 1), pageCount);
  const registrations = await db.packageRegistration.findMany({
    where,
    orderBy: { idKey: "asc" },
    skip: (page - 1) * PROFILE_PAGE_SIZE,
    take: PROFILE_PAGE_SIZE,
    select: {
      packageId: true,
      versions: {
        where: seesUnlisted ? {} : { listed: true },
        orderBy: { pushedAt: "desc" },
        take: VERSIONS_READ,
        select: { version: true, listed: true, pushedAt: true },
      },
    },
  });
  const packages = registrations.map((r): ProfilePackage => {
    const listed = r.versions.filter((v) => v.listed).map((v) => v.version).sort((a, b) => compareVersions(b, a));
    const all = r.versions.map((v) => v.version).sort((a, b) => compareVersions(b, a));
    return {
      packageId: r.packageId,
      latestVersion: listed.find((v) => !v.includes("-")) ?? listed[0] ?? all[0],
      lastUpdated: r.versions[0].pushedAt,
      listed: listed.length > 0,
    };
  });
  const count = (isAdmin: boolean) => memberRows.find((m) => m.isAdmin === isAdmin)?._count._all ?? 0;
  return {
    username: account.username,
    isOrganization: account.isOrganization,
    createdAt: account.createdAt,
    packages,
    page,
    pageCount,
    totalPackages,
    totalDownloads: downloads._sum.totalDownloads ?? 0,
    memberCounts: membership ? { administrators: count(true), collaborators: count(false) } : null,
    canEdit: viewerId === account.id || membership !== null,
  };
}
