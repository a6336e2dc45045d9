// The search index: PackageRegistration.description (the latest listed version's) and its
// PackageSearchTerm rows, the lower-cased words of the id and of that description. A push writes
// them in its own transaction (store.ts: one multi-row insert); an unlist or relist, and the
// backfill of ids stored before the index existed, read the new latest version's nuspec from its
// stored .nupkg (with the push's caps) and rewrite them.
import "server-only";
import type { Db } from "@/lib/create-db";
import { driverReader, driverWriter, type DriverSql, type DriverStatement } from "@/lib/driver-sql";
import { logError } from "@/lib/log";
import { nuspecDescription } from "@/lib/nuget/nuspec-details";
import { packageFilePath, packagesDir } from "./files";
import { readStoredNuspec } from "./flat-container";
import { compareVersions } from "./listing";

/** Terms kept per package: the id's first, then the description's in order of appearance. */
export const MAX_TERMS = 200;
/** A term's length: a whole id fits (ids are at most 100 characters); longer words are cut. */
export const MAX_TERM_LENGTH = 100;
/** nuget.org's limit on a description; the rest is neither kept nor indexed. */
export const MAX_DESCRIPTION_LENGTH = 4000;

/** Words: runs of letters and digits, any script; everything else separates them. */
const NOT_WORD = /[^\p{L}\p{N}]+/u;

/** Lower-cased words of `text`, each cut to MAX_TERM_LENGTH. */
export function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(NOT_WORD)
    .filter(Boolean)
    .map((w) => w.slice(0, MAX_TERM_LENGTH));
}

/** The id whole, its parts between '.', '-' and '_', then the description's words: distinct, at most MAX_TERMS. */
export function searchTerms(packageId: string, description: string | null): string[] {
  const idKey = packageId.toLowerCase();
  const terms = new Set<string>([idKey.slice(0, MAX_TERM_LENGTH), ...idKey.split(/[._-]+/).filter(Boolean)]);
  if (description) {
    for (const word of wordsOf(description.slice(0, MAX_DESCRIPTION_LENGTH))) {
      if (terms.size >= MAX_TERMS) break;
      terms.add(word);
    }
  }
  return [...terms].slice(0, MAX_TERMS);
}

/** The version /packages/{id} shows, and whose description is indexed: the newest listed stable, else the newest listed. */
export function latestListed(listed: readonly string[]): string | null {
  let stable: string | null = null;
  let any: string | null = null;
  for (const v of listed) {
    if (any === null || compareVersions(v, any) > 0) any = v;
    if (!v.includes("-") && (stable === null || compareVersions(v, stable) > 0)) stable = v;
  }
  return stable ?? any;
}

const UPDATE_DESCRIPTION: DriverSql = {
  name: "search_update_description",
  sqlite: `UPDATE PackageRegistration SET description = ? WHERE id = ?`,
  postgresql: `UPDATE "PackageRegistration" SET description = $1 WHERE id = $2`,
};

const DELETE_TERMS: DriverSql = {
  name: "search_delete_terms",
  sqlite: `DELETE FROM PackageSearchTerm WHERE registrationId = ?`,
  postgresql: `DELETE FROM "PackageSearchTerm" WHERE "registrationId" = $1`,
};

/** Every term in one statement, one parameter: a JSON array (so one prepared statement serves any count). */
const INSERT_TERMS: DriverSql = {
  name: "search_insert_terms",
  sqlite: `INSERT INTO PackageSearchTerm (term, registrationId) SELECT value, ? FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`,
  postgresql: `INSERT INTO "PackageSearchTerm" (term, "registrationId") SELECT t, $1 FROM json_array_elements_text($2::json) AS t ON CONFLICT DO NOTHING`,
};

/** The listed versions' text (the push's check whether it becomes the latest). */
const LISTED_VERSIONS: DriverSql = {
  name: "search_listed_versions",
  sqlite: `SELECT version FROM PackageVersion WHERE registrationId = ? AND listed = 1`,
  postgresql: `SELECT version FROM "PackageVersion" WHERE "registrationId" = $1 AND listed`,
};

/**
 * Inside a reindex's transaction: the registration locked (on SQLite BEGIN IMMEDIATE already
 * serialises writers), then its listed versions, to check that the version indexed is still the
 * latest when the transaction commits.
 */
const LOCK_REGISTRATION: DriverSql = {
  name: "search_lock_registration",
  sqlite: `SELECT packageId FROM PackageRegistration WHERE id = ?`,
  postgresql: `SELECT "packageId" FROM "PackageRegistration" WHERE id = $1 FOR UPDATE`,
};

const LISTED_VERSIONS_JSON: DriverSql = {
  name: "search_listed_versions_json",
  sqlite: `SELECT json_group_array(version) AS versions FROM PackageVersion WHERE registrationId = ? AND listed = 1`,
  postgresql: `SELECT coalesce(json_agg(version), '[]'::json) AS versions FROM "PackageVersion" WHERE "registrationId" = $1 AND listed`,
  columns: { versions: "json" },
};

/** The statements that make the registration's description and terms these (`replace`: delete its old terms first). */
export function indexStatements(registrationId: string, packageId: string, description: string | null, replace: boolean): DriverStatement[] {
  const kept = description ? description.slice(0, MAX_DESCRIPTION_LENGTH) : null;
  return [
    { sql: UPDATE_DESCRIPTION, params: [kept, registrationId] },
    ...(replace ? [{ sql: DELETE_TERMS, params: [registrationId] }] : []),
    { sql: INSERT_TERMS, params: [registrationId, JSON.stringify(searchTerms(packageId, kept))] },
  ];
}

/**
 * Whether a version about to be pushed (listed) becomes the id's latest listed one, so the push
 * indexes its description. One indexed read of the id's listed versions. A guess, asked before
 * the push's transaction: settlePushedIndex checks it once the push has committed.
 */
export async function becomesLatest(db: Db, registrationId: string, version: string): Promise<boolean> {
  const listed = await driverReader(db).column<string>(LISTED_VERSIONS, [registrationId]);
  return latestListed([...listed, version]) === version;
}

/**
 * After a push of an existing id committed: whether it was right to index (or not) its version,
 * by the id's listed versions now. Two pushes of one id at once may both have judged themselves
 * the latest, or a newer version been unlisted before this one committed; whichever push
 * committed the wrong description last sees the other's version here (it committed first) and
 * reindexes. One indexed read; a reindex only then. A failure is logged: the push stands.
 */
export async function settlePushedIndex(db: Db, registrationId: string, version: string, indexed: boolean, dir = packagesDir()): Promise<void> {
  try {
    const listed = await driverReader(db).column<string>(LISTED_VERSIONS, [registrationId]);
    if ((latestListed(listed) === version) !== indexed) await reindexPackage(db, registrationId, dir);
  } catch (e) {
    logError(`search index: could not check registration ${registrationId} after a push`, e);
  }
}

/** Thrown when the latest listed version changed while its description was read: read again. */
class Stale extends Error {}

/**
 * Rewrites a registration's description and terms from its latest listed version's stored nuspec
 * (after an unlist or relist, and for the backfill). A package file that cannot be read leaves
 * the description out; the id's words are indexed whatever happens.
 */
export async function reindexPackage(db: Db, registrationId: string, dir = packagesDir()): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const reg = await db.packageRegistration.findUnique({
      where: { id: registrationId },
      select: { packageId: true, idKey: true, versions: { where: { listed: true }, select: { id: true, version: true, versionKey: true } } },
    });
    if (!reg) return;
    const latest = latestListed(reg.versions.map((v) => v.version));
    const row = reg.versions.find((v) => v.version === latest);
    const nuspec = row ? await readStoredNuspec(packageFilePath(dir, reg.idKey, row.versionKey, row.id)) : null;
    const description = nuspec ? nuspecDescription(nuspec) : null;
    try {
      await driverWriter(db).transaction(
        [{ sql: LOCK_REGISTRATION, params: [registrationId] }, { sql: LISTED_VERSIONS_JSON, params: [registrationId] }, ...indexStatements(registrationId, reg.packageId, description, true)],
        (rows) => {
          const now = (rows[1] as { versions: string[] } | undefined)?.versions ?? [];
          if (latestListed(now) !== latest) throw new Stale();
        },
      );
      return;
    } catch (e) {
      // a listing changed meanwhile: its own reindex follows, but ours must not write the old state last
      if (!(e instanceof Stale) || attempt >= 4) throw e;
    }
  }
}

const UNINDEXED: DriverSql = {
  name: "search_unindexed",
  sqlite: `SELECT r.id FROM PackageRegistration r WHERE r.id > ? AND NOT EXISTS (SELECT 1 FROM PackageSearchTerm t WHERE t.registrationId = r.id) ORDER BY r.id LIMIT 100`,
  postgresql: `SELECT r.id FROM "PackageRegistration" r WHERE r.id > $1 AND NOT EXISTS (SELECT 1 FROM "PackageSearchTerm" t WHERE t."registrationId" = r.id) ORDER BY r.id LIMIT 100`,
};

/**
 * Indexes every registration that has no terms yet: ids stored before the index existed (every
 * indexed id has at least its own). The server runs it in the background at start; several
 * instances may run it at once (each rewrite is whole). Returns how many were indexed.
 */
export async function backfillSearchIndex(db: Db, dir = packagesDir()): Promise<number> {
  let done = 0;
  for (let after = ""; ; ) {
    const ids = await driverReader(db).column<string>(UNINDEXED, [after]);
    if (ids.length === 0) return done;
    for (const id of ids) {
      try {
        await reindexPackage(db, id, dir);
        done++;
      } catch (e) {
        logError(`search index: could not index registration ${id}`, e);
      }
    }
    after = ids[ids.length - 1];
  }
}

export const SEARCH_INDEX_STATEMENTS = [UPDATE_DESCRIPTION, DELETE_TERMS, INSERT_TERMS, LISTED_VERSIONS, LOCK_REGISTRATION, LISTED_VERSIONS_JSON, UNINDEXED];
