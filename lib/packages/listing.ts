// Read queries of the Manage Packages page: the packages a user owns, one page at a time (an
// account may own 10,000 ids; nuget.org's page loads them all and freezes, NuGetGallery#4604),
// each with its versions, who pushed them with which key, and the user's keys that can push it.
import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/create-db";
import { ACTIONS, subjectMatcher } from "@/lib/api-keys/scopes";

export const PAGE_SIZE = 50;
/** Versions shown per package; the count says how many more there are. */
export const VERSIONS_SHOWN = 50;

const PACKAGE_FILTERS = ["all", "listed", "unlisted"] as const;
type PackageFilter = (typeof PACKAGE_FILTERS)[number];

export interface ListingQuery {
  /** 1-based; clamped to the last page */
  page?: number;
  filter?: PackageFilter;
  /** part of a package id, any case */
  q?: string;
  /** the account filter: the user's own name or one of their organizations' ("" = the user) */
  owner?: string;
}

export interface VersionRow {
  version: string;
  listed: boolean;
  pushedAt: Date;
  size: number;
  /** username of the pusher, null when that account is gone */
  pushedBy: string | null;
  /** the key's name at push time; null when pushed without a key */
  keyName: string | null;
  /** "browser" for Upload Package, else null (a key's push) */
  via: string | null;
  /** the key has since been deleted (or regenerated, which replaces it) */
  keyDeleted: boolean;
}

export interface PushKey {
  id: string;
  name: string;
  expiresAt: Date;
  /** "package:push" if the key can also push new ids, else "package:pushversion" */
  action: typeof ACTIONS.push | typeof ACTIONS.pushVersion;
}

export interface PackageRow {
  id: string;
  packageId: string;
  owners: string[];
  /** at least one version is listed (nuget.org's "Published" vs "Unlisted" split) */
  listed: boolean;
  /** the newest listed stable version, else the newest listed, else the newest */
  latestVersion: string | null;
  versionCount: number;
  /** newest first by version, at most VERSIONS_SHOWN */
  versions: VersionRow[];
  pushKeys: PushKey[];
}

interface PackageListing {
  packages: PackageRow[];
  page: number;
  pageCount: number;
  /** rows matching the filter and search */
  total: number;
  /** every owned id matching the search: the listed, the unlisted and those with no versions yet */
  allCount: number;
  listedCount: number;
  unlistedCount: number;
}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const querySchema = z.object({
  page: z.preprocess(first, z.coerce.number().int().min(1).max(1_000_000)).catch(1),
  filter: z.preprocess(first, z.enum(PACKAGE_FILTERS)).catch("all"),
  q: z.preprocess(first, z.string().trim().max(128)).catch(""),
  owner: z.preprocess(first, z.string().trim().max(64)).catch(""),
});

/** The page's URL search params, forgiving: anything unusable falls back to the default view. */
export function readListingQuery(params: Record<string, string | string[] | undefined>): Required<ListingQuery> {
  return querySchema.parse(params);
}

const PUSH_ACTIONS = [ACTIONS.push, ACTIONS.pushVersion];

/** `ownerId`: the account whose packages are listed, the user or an organization the caller has checked they belong to. */
export async function listOwnedPackages(db: Db, userId: string, query: ListingQuery = {}, now = new Date(), ownerId = userId): Promise<PackageListing> {
  const search = query.q?.trim().toLowerCase();
  const mine = { owners: { some: { userId: ownerId } }, ...(search ? { idKey: { contains: search } } : {}) };
  const listedWhere = { ...mine, versions: { some: { listed: true } } };
  // versions, none of them listed: an id nobody has pushed to yet (the demo's sample ids) is in neither tab
  const unlistedWhere = { ...mine, AND: [{ versions: { some: {} } }, { versions: { none: { listed: true } } }] };
  const filter = query.filter ?? "all";
  const where = filter === "listed" ? listedWhere : filter === "unlisted" ? unlistedWhere : mine;

  const [allCount, listedCount, unlistedCount] = await Promise.all([
    db.packageRegistration.count({ where: mine }),
    db.packageRegistration.count({ where: listedWhere }),
    db.packageRegistration.count({ where: unlistedWhere }),
  ]);
  const total = filter === "listed" ? listedCount : filter === "unlisted" ? unlistedCount : allCount;
  const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(query.page ?? 1) || 1), pageCount);

  const [registrations, keys] = await Promise.all([
    db.packageRegistration.findMany({
      where,
      orderBy: { idKey: "asc" },
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        packageId: true,
        owners: { select: { userId: true, user: { select: { username: true } } } },
        _count: { select: { versions: true } },
        versions: {
          orderBy: { pushedAt: "desc" },
          take: VERSIONS_SHOWN,
          select: {
            version: true,
            listed: true,
            pushedAt: true,
            size: true,
            pushedByKeyId: true,
            pushedByKeyName: true,
            pushedVia: true,
            pushedBy: { select: { username: true } },
          },
        },
      },
    }),
    usablePushKeys(db, userId, ownerId, now),
  ]);

  // A package with more versions than are shown: its listed state and latest version come from
  // all its listed versions (one query for the page's such packages), not from the newest 50.
  const listedOfTruncated = new Map<string, string[]>();
  for (const r of registrations) if (r._count.versions > r.versions.length) listedOfTruncated.set(r.id, []);
  if (listedOfTruncated.size > 0) {
    const rows = await db.packageVersion.findMany({ where: { registrationId: { in: [...listedOfTruncated.keys()] }, listed: true }, select: { registrationId: true, version: true } });
    for (const row of rows) listedOfTruncated.get(row.registrationId)!.push(row.version);
  }

  const packages = registrations.map((r): PackageRow => {
    const versions = r.versions
      .map((v) => ({
        version: v.version,
        listed: v.listed,
        pushedAt: v.pushedAt,
        size: v.size,
        pushedBy: v.pushedBy?.username ?? null,
        keyName: v.pushedByKeyName,
        via: v.pushedVia,
        keyDeleted: v.pushedByKeyName !== null && v.pushedByKeyId === null,
      }))
      .sort((a, b) => compareVersions(b.version, a.version));
    const ownerIds = new Set(r.owners.map((o) => o.userId));
    const listed = (listedOfTruncated.get(r.id) ?? versions.filter((v) => v.listed).map((v) => v.version)).sort((a, b) => compareVersions(b, a));
    return {
      id: r.id,
      packageId: r.packageId,
      owners: r.owners.map((o) => o.user.username).sort((a, b) => a.localeCompare(b)),
      listed: listed.length > 0,
      // as a package page: the newest listed stable version, else the newest listed, else the newest
      latestVersion: listed.find((v) => !v.includes("-")) ?? listed[0] ?? versions[0]?.version ?? null,
      versionCount: r._count.versions,
      versions,
      pushKeys: keys.filter((k) => ownerIds.has(k.ownerId) && k.matches(r.packageId)).map(({ id, name, expiresAt, canPushNew }) => ({ id, name, expiresAt, action: canPushNew(r.packageId) ? ACTIONS.push : ACTIONS.pushVersion })),
    };
  });
  return { packages, page, pageCount, total, allCount, listedCount, unlistedCount };
}

interface UsableKey {
  id: string;
  name: string;
  expiresAt: Date;
  ownerId: string;
  /** a push or pushversion scope matches the id: both count for an id that exists */
  matches(packageId: string): boolean;
  canPushNew(packageId: string): boolean;
}

/**
 * The user's keys that would pass the push check today (spec §3.2, lib/api-keys/key-checks):
 * active (not expired or revoked), a push or pushversion scope, acting for the listed account
 * (the user, or an organization they belong to), which is confirmed and not locked. The
 * per-package part (subject match, the owner owns the id) is done by the caller.
 */
async function usablePushKeys(db: Db, userId: string, ownerId: string, now: Date): Promise<UsableKey[]> {
  const keys = await db.apiKey.findMany({
    where: {
      userId,
      ownerId,
      type: "apikey.v4",
      revokedAt: null,
      expiresAt: { gt: now },
      owner: { emailConfirmedAt: { not: null }, locked: false },
      scopes: { some: { action: { in: PUSH_ACTIONS } } },
    },
    orderBy: [{ name: "asc" }, { createdAt: "desc" }],
    select: { id: true, name: true, expiresAt: true, ownerId: true, scopes: { where: { action: { in: PUSH_ACTIONS } }, select: { action: true, subject: true } } },
  });
  return keys.map((k) => {
    const all = k.scopes.map((s) => subjectMatcher(s.subject));
    const pushNew = k.scopes.filter((s) => s.action === ACTIONS.push).map((s) => subjectMatcher(s.subject));
    return {
      id: k.id,
      name: k.name,
      expiresAt: k.expiresAt,
      ownerId: k.ownerId,
      matches: (id) => all.some((m) => m(id)),
      canPushNew: (id) => pushNew.some((m) => m(id)),
    };
  });
}

/**
 * SemVer 2.0 precedence of two normalised versions (1.2.3[.4][-pre]): numeric parts by value,
 * a pre-release below its release, pre-release identifiers numerically or by ASCII order.
 */
export function compareVersions(a: string, b: string): number {
  const [aCore, ...aPre] = a.toLowerCase().split("-");
  const [bCore, ...bPre] = b.toLowerCase().split("-");
  const an = aCore.split(".").map(Number);
  const bn = bCore.split(".").map(Number);
  for (let i = 0; i < Math.max(an.length, bn.length); i++) {
    const d = (an[i] ?? 0) - (bn[i] ?? 0);
    if (d) return Math.sign(d);
  }
  const ap = aPre.join("-");
  const bp = bPre.join("-");
  if (!ap || !bp) return ap === bp ? 0 : ap ? -1 : 1;
  const ai = ap.split(".");
  const bi = bp.split(".");
  for (let i = 0; i < Math.max(ai.length, bi.length); i++) {
    if (ai[i] === undefined) return -1;
    if (bi[i] === undefined) return 1;
    const anum = /^\d+$/.test(ai[i]);
    const bnum = /^\d+$/.test(bi[i]);
    if (anum && bnum) {
      const d = Number(ai[i]) - Number(bi[i]);
      if (d) return Math.sign(d);
    } else if (anum !== bnum) return anum ? -1 : 1;
    else if (ai[i] !== bi[i]) return ai[i] < bi[i] ? -1 : 1;
  }
  return 0;
}
