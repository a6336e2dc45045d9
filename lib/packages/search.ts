// Search over the listed packages, by id (the nuspec's description is not stored: no column for
// it, and the schema is fixed for now). Used by the V3 SearchQueryService (/v3/query) and meant
// for the Packages page. A package shows when it has a listed version that the query admits.
import "server-only";
import type { Prisma } from "@/lib/generated/sqlite/client";
import type { Db } from "@/lib/create-db";
import { driverReader } from "@/lib/driver-sql";
import { compareVersions } from "./listing";

/** nuget.org's default page */
export const DEFAULT_TAKE = 20;
/** nuget.org allows 1,000; each hit here carries all its listed versions, so less. */
export const MAX_TAKE = 100;
/** nuget.org's search refuses to skip past 3,000 results */
export const MAX_SKIP = 3000;
/** longer than any package id (100) with room for several terms */
export const MAX_QUERY_LENGTH = 256;

export interface SearchQuery {
  q: string;
  skip: number;
  take: number;
  /** false (nuget.org's default): stable versions only, and packages with a stable listed version */
  prerelease: boolean;
}

export type SearchQueryResult = { ok: true; query: SearchQuery } | { ok: false; reason: string };

function whole(text: string | null, fallback: number, max: number): number {
  if (text === null || !/^\d{1,9}$/.test(text)) return fallback;
  return Math.min(Number(text), max);
}

/** Reads `q`, `skip`, `take`, `prerelease` as the V3 search does: bad numbers fall back, large ones are capped. */
export function readSearchQuery(params: URLSearchParams): SearchQueryResult {
  const q = (params.get("q") ?? "").trim();
  if (q.length > MAX_QUERY_LENGTH) return { ok: false, reason: `The query is longer than ${MAX_QUERY_LENGTH} characters.` };
  return {
    ok: true,
    query: {
      q,
      skip: whole(params.get("skip"), 0, MAX_SKIP),
      take: whole(params.get("take"), DEFAULT_TAKE, MAX_TAKE),
      prerelease: params.get("prerelease")?.toLowerCase() === "true",
    },
  };
}

export interface SearchHit {
  packageId: string;
  verified: boolean;
  /** the latest admitted listed version */
  version: string;
  /** admitted listed versions, in SemVer order */
  versions: string[];
}

export interface SearchResult {
  totalHits: number;
  hits: SearchHit[];
}

/**
 * Every whitespace-separated term must appear in the id (case-insensitive). Matched with
 * instr/strpos, not LIKE: '_' and '%' are plain characters here ('_' is common in ids), and
 * Prisma's `contains` would let them act as wildcards.
 */
export async function searchPackages(db: Db, query: SearchQuery): Promise<SearchResult> {
  const terms = query.q.toLowerCase().split(/\s+/).filter(Boolean);
  const pg = driverReader(db).provider === "postgresql";
  const params: (string | number)[] = [];
  const param = (value: string | number) => (params.push(value), pg ? `$${params.length}` : "?");
  const stable = query.prerelease ? "" : pg ? ` AND strpos(v."versionKey", '-') = 0` : ` AND instr(v.versionKey, '-') = 0`;
  const where = pg
    ? `EXISTS (SELECT 1 FROM "PackageVersion" v WHERE v."registrationId" = r.id AND v.listed${stable})` +
      terms.map((t) => ` AND strpos(r."idKey", ${param(t)}) > 0`).join("")
    : `EXISTS (SELECT 1 FROM PackageVersion v WHERE v.registrationId = r.id AND v.listed = 1${stable})` +
      terms.map((t) => ` AND instr(r.idKey, ${param(t)}) > 0`).join("");
  const from = pg ? `"PackageRegistration" r` : `PackageRegistration r`;
  const termParams = [...params];
  const page = `SELECT r.id FROM ${from} WHERE ${where} ORDER BY ${pg ? `r."idKey"` : "r.idKey"} LIMIT ${param(query.take)} OFFSET ${param(query.skip)}`;
  const [counted, rows] = await Promise.all([
    db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`, ...termParams),
    db.$queryRawUnsafe<{ id: string }[]>(page, ...params),
  ]);
  const versionWhere: Prisma.PackageVersionWhereInput = query.prerelease ? { listed: true } : { listed: true, NOT: { versionKey: { contains: "-" } } };
  const found = await db.packageRegistration.findMany({
    where: { id: { in: rows.map((r) => r.id) } },
    orderBy: { idKey: "asc" },
    select: { packageId: true, verified: true, versions: { where: versionWhere, select: { version: true } } },
  });
  return {
    totalHits: Number(counted[0]?.n ?? 0),
    hits: found.map((r) => {
      const versions = r.versions.map((v) => v.version).sort(compareVersions);
      return { packageId: r.packageId, verified: r.verified, version: versions[versions.length - 1], versions };
    }),
  };
}
