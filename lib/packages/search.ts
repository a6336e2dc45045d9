// Search over the listed packages by the words of their id and description, through the search
// index (search-index.ts): each query word is a prefix range on PackageSearchTerm's primary key,
// so the cost follows the matches, not the number of packages. Used by the V3
// SearchQueryService (/v3/query) and the Packages page. A package shows when it has a listed
// version that the query admits. Ranked: the exact id, then ids starting with the query, then
// by total downloads, then A-Z.
import "server-only";
import type { Prisma } from "@/lib/generated/sqlite/client";
import type { Db } from "@/lib/create-db";
import { driverReader } from "@/lib/driver-sql";
import { compareVersions } from "./listing";
import { MAX_TERM_LENGTH, wordsOf } from "./search-index";

/** nuget.org's default page */
export const DEFAULT_TAKE = 20;
/** nuget.org allows 1,000; each hit here carries all its listed versions, so less. */
export const MAX_TAKE = 100;
/** nuget.org's search refuses to skip past 3,000 results */
export const MAX_SKIP = 3000;
/** longer than any package id (100) with room for several terms */
export const MAX_QUERY_LENGTH = 256;
/** Query words used (each is one index range); the rest of a longer query is ignored. */
export const MAX_QUERY_WORDS = 16;

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
  /** the latest listed version's description */
  description: string | null;
  totalDownloads: number;
  /** the latest admitted listed version */
  version: string;
  /** admitted listed versions, in SemVer order, with their downloads */
  versions: { version: string; downloads: number }[];
}

export interface SearchResult {
  totalHits: number;
  hits: SearchHit[];
}

/**
 * The query's words as the index has them: lower-cased runs of letters and digits (so '%', '_',
 * quotes and the like only separate words, and never reach SQL but as parameters), distinct, at
 * most MAX_QUERY_WORDS, each cut to MAX_TERM_LENGTH. A query of punctuation only has none and matches nothing.
 */
export function queryWords(q: string): string[] {
  return [...new Set(wordsOf(q))].slice(0, MAX_QUERY_WORDS);
}

/** Above every character in code-point order (UTF-8 on SQLite; on PostgreSQL the terms' column is COLLATE "C"): w..w+TOP is "starts with w". */
const TOP = "\u{10FFFF}";

/** Every word must begin one of the package's terms (its id's or description's words). */
export async function searchPackages(db: Db, query: SearchQuery): Promise<SearchResult> {
  const words = queryWords(query.q);
  if (words.length === 0 && query.q.trim() !== "") return { totalHits: 0, hits: [] };
  const pg = driverReader(db).provider === "postgresql";
  const q = (name: string) => (pg ? `"${name}"` : name);
  const params: (string | number)[] = [];
  const param = (value: string | number) => (params.push(value), pg ? `$${params.length}` : "?");
  const stable = query.prerelease ? "" : pg ? ` AND strpos(v."versionKey", '-') = 0` : ` AND instr(v.versionKey, '-') = 0`;
  const where =
    `EXISTS (SELECT 1 FROM ${q("PackageVersion")} v WHERE v.${q("registrationId")} = r.id AND v.listed${pg ? "" : " = 1"}${stable})` +
    words.map((w) => ` AND r.id IN (SELECT t.${q("registrationId")} FROM ${q("PackageSearchTerm")} t WHERE t.term >= ${param(w)} AND t.term < ${param(w + TOP)})`).join("");
  const from = `${q("PackageRegistration")} r`;
  const termParams = [...params];
  const idKey = `r.${q("idKey")}`;
  // ranked by the whole query only when it could be an id (no other character reaches SQL text)
  const whole = query.q.trim().toLowerCase().slice(0, MAX_TERM_LENGTH);
  // a prefix range, in code-point order whatever the database's collation (as the terms' column is)
  const codePoints = pg ? ` COLLATE "C"` : "";
  const rank = /^[a-z0-9._-]+$/.test(whole)
    ? `${idKey} = ${param(whole)} DESC, (${idKey}${codePoints} >= ${param(whole)} AND ${idKey}${codePoints} < ${param(whole + TOP)}) DESC, `
    : "";
  const page = `SELECT r.id FROM ${from} WHERE ${where} ORDER BY ${rank}r.${q("totalDownloads")} DESC, ${idKey} LIMIT ${param(query.take)} OFFSET ${param(query.skip)}`;
  const [counted, rows] = await Promise.all([
    db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`, ...termParams),
    db.$queryRawUnsafe<{ id: string }[]>(page, ...params),
  ]);
  const versionWhere: Prisma.PackageVersionWhereInput = query.prerelease ? { listed: true } : { listed: true, NOT: { versionKey: { contains: "-" } } };
  const found = await db.packageRegistration.findMany({
    where: { id: { in: rows.map((r) => r.id) } },
    select: {
      id: true,
      packageId: true,
      verified: true,
      description: true,
      totalDownloads: true,
      versions: { where: versionWhere, select: { version: true, downloadCount: true } },
    },
  });
  const byId = new Map(found.map((r) => [r.id, r]));
  return {
    totalHits: Number(counted[0]?.n ?? 0),
    hits: rows.flatMap(({ id }) => {
      const r = byId.get(id);
      // unlisted between the two reads
      if (!r || r.versions.length === 0) return [];
      const versions = r.versions.map((v) => ({ version: v.version, downloads: v.downloadCount })).sort((a, b) => compareVersions(a.version, b.version));
      return [{ packageId: r.packageId, verified: r.verified, description: r.description, totalDownloads: r.totalDownloads, version: versions[versions.length - 1].version, versions }];
    }),
  };
}
