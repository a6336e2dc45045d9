// NuGet's flat container (PackageBaseAddress/3.0.0): an id's version list and each version's
// .nupkg and .nuspec, at lower-cased paths. Unlisted versions are listed and downloadable, as on
// nuget.org (a lock file may pin one). Ids and versions from the path are validated before any
// look-up, so no path text ever reaches the file system: files are found by their row.
import "server-only";
import { open } from "node:fs/promises";
import type { Db } from "@/lib/create-db";
import { MAX_NUSPEC_BYTES, isRootNuspec } from "@/lib/nuget/nupkg";
import { isValidPackageId, packageIdKey } from "@/lib/nuget/package-id";
import { parseVersion } from "@/lib/nuget/version";
import { findEntries, readEntry } from "@/lib/nuget/zip";
import { compareVersions } from "./listing";
import { findPackage } from "./store";
import { packagesDir } from "./files";

/** The id's versions, lower-cased and normalised, unlisted ones too, in SemVer order; null = no such id. */
export async function listFlatVersions(db: Db, id: string): Promise<string[] | null> {
  if (!isValidPackageId(id)) return null;
  const registration = await db.packageRegistration.findUnique({
    where: { idKey: packageIdKey(id) },
    select: { versions: { select: { versionKey: true } } },
  });
  if (!registration) return null;
  return registration.versions.map((v) => v.versionKey).sort(compareVersions);
}

export type FlatFileKind = "nupkg" | "nuspec";

export interface FlatFile {
  kind: FlatFileKind;
  /** the version's row and its id's (download counts) */
  versionId: string;
  registrationId: string;
  packageId: string;
  version: string;
  size: number;
  filePath: string;
}

/**
 * The stored version a flat-container path names: `{id}/{version}/{id}.{version}.nupkg` or
 * `{id}/{version}/{id}.nuspec`, the file name repeating the path's id and version (any case, as
 * the id; nuget.org serves lower-case only and clients always ask so). null = not one of ours.
 */
export async function findFlatFile(db: Db, id: string, versionText: string, file: string, dir = packagesDir()): Promise<FlatFile | null> {
  if (!isValidPackageId(id)) return null;
  const version = parseVersion(versionText);
  if (!version || version.metadata !== null) return null;
  const name = file.toLowerCase();
  const idKey = packageIdKey(id);
  const kind: FlatFileKind | null =
    name === `${idKey}.${versionText.toLowerCase()}.nupkg` ? "nupkg" : name === `${idKey}.nuspec` ? "nuspec" : null;
  if (!kind) return null;
  const found = await findPackage(db, id, { versionKey: version.key }, dir);
  if (!found?.version) return null;
  return { kind, versionId: found.version.id, registrationId: found.registrationId, packageId: found.packageId, version: found.version.version, size: found.version.size, filePath: found.version.filePath };
}

/**
 * Whole-file reads at once (each up to MAX_PACKAGE_BYTES in memory): anyone may ask for any
 * version's .nuspec, so the memory it may cost is capped here, not by how many ask at once.
 */
const READS_AT_ONCE = 2;
let reading = 0;
const waiting: (() => void)[] = [];

async function readSlot<T>(work: () => Promise<T>): Promise<T> {
  if (reading >= READS_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  else reading++;
  try {
    return await work();
  } finally {
    // hand the slot straight to the next waiter, or free it
    const next = waiting.shift();
    if (next) next();
    else reading--;
  }
}

/** Nuspecs already read, by file (a stored file never changes: its name is its version row's): at most CACHE_BYTES. */
const CACHE_BYTES = 16 * 1024 * 1024;
const cache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(filePath: string, nuspec: Buffer) {
  while (cachedBytes + nuspec.length > CACHE_BYTES && cache.size > 0) {
    const [oldest, bytes] = cache.entries().next().value!;
    cache.delete(oldest);
    cachedBytes -= bytes.length;
  }
  cache.set(filePath, nuspec);
  cachedBytes += nuspec.length;
}

/**
 * The root .nuspec of a stored package, read with the push's own zip reader and caps. The
 * package was checked on push, so a failure here means the file changed on disk: null (404).
 * The file is read whole (the zip reader works on bytes; pushes are capped by
 * MAX_PACKAGE_BYTES), at most READS_AT_ONCE at a time, and the answer is kept.
 */
export async function readStoredNuspec(filePath: string): Promise<Buffer | null> {
  const cached = cache.get(filePath);
  if (cached) return cached;
  const nuspec = await readSlot(async () => {
    let bytes: Buffer;
    try {
      const handle = await open(filePath, "r");
      try {
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch {
      return null;
    }
    const found = await findEntries(bytes, isRootNuspec, 1);
    if (!found.ok || found.entries.length !== 1) return null;
    const entry = await readEntry(bytes, found.entries[0], MAX_NUSPEC_BYTES);
    return entry.ok ? entry.data : null;
  });
  if (nuspec) remember(filePath, nuspec);
  return nuspec;
}
