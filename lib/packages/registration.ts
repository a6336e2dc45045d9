// NuGet's package metadata (RegistrationsBaseUrl): one index per id with every version inlined,
// each with its listed state and dependency groups, read from the version's .nuspec. NuGet.exe's
// `install` needs it to resolve dependencies (without it: "Value cannot be null. baseUrl").
import "server-only";
import { XMLParser } from "fast-xml-parser";
import type { Db } from "@/lib/create-db";
import { MAX_NUSPEC_TAGS } from "@/lib/nuget/nupkg";
import { isValidPackageId, packageIdKey } from "@/lib/nuget/package-id";
import { readStoredNuspec } from "./flat-container";
import { compareVersions } from "./listing";
import { packageFilePath, packagesDir } from "./files";

export interface Dependency {
  id: string;
  /** the nuspec's version text ("1.0", "[1.0,2.0)"): a NuGet version range as written; "" = any */
  range: string;
}

export interface DependencyGroup {
  /** "" = any framework (a nuspec's flat <dependencies>) */
  targetFramework: string;
  dependencies: Dependency[];
}

const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  processEntities: false,
  isArray: (name) => name === "group" || name === "dependency",
});

type Node = Record<string, unknown>;
const nodes = (v: unknown): Node[] => (Array.isArray(v) ? v.filter((x): x is Node => typeof x === "object" && x !== null) : []);
const attr = (n: Node, name: string) => (typeof n[name] === "string" ? (n[name] as string) : "");

function dependenciesOf(n: Node): Dependency[] {
  return nodes(n.dependency)
    .map((d) => ({ id: attr(d, "id"), range: attr(d, "version") }))
    .filter((d) => isValidPackageId(d.id));
}

/** The nuspec's <dependencies>: its <group>s, or its flat list as one group for any framework. null = unreadable. */
export function parseDependencyGroups(nuspec: Buffer): DependencyGroup[] | null {
  let tags = 0;
  for (let at = nuspec.indexOf(0x3c); at !== -1 && tags <= MAX_NUSPEC_TAGS; at = nuspec.indexOf(0x3c, at + 1)) tags++;
  if (tags > MAX_NUSPEC_TAGS) return null;
  let doc: Node;
  try {
    doc = parser.parse(new TextDecoder("utf-8", { fatal: true }).decode(nuspec).replace(/^\uFEFF/, ""), true) as Node;
  } catch {
    return null;
  }
  const metadata = (doc.package as Node | undefined)?.metadata as Node | undefined;
  const deps = metadata?.dependencies;
  if (!deps || typeof deps !== "object") return [];
  const groups = nodes((deps as Node).group).map((g) => ({ targetFramework: attr(g, "targetFramework"), dependencies: dependenciesOf(g) }));
  const flat = dependenciesOf(deps as Node);
  return flat.length ? [{ targetFramework: "", dependencies: flat }, ...groups] : groups;
}

/** A stored package never changes (a new push is a new row and file): its groups are read once. */
const CACHE_MAX = 10_000;
const cache = new Map<string, DependencyGroup[]>();

async function dependencyGroupsOf(versionId: string, filePath: string): Promise<DependencyGroup[]> {
  const cached = cache.get(versionId);
  if (cached) return cached;
  const nuspec = await readStoredNuspec(filePath);
  const groups = (nuspec && parseDependencyGroups(nuspec)) ?? [];
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(versionId, groups);
  return groups;
}

const READ_AT_ONCE = 4;

export interface RegistrationVersion {
  version: string;
  listed: boolean;
  pushedAt: Date;
  dependencyGroups: DependencyGroup[];
}

export interface Registration {
  packageId: string;
  verified: boolean;
  /** every version, unlisted ones too (marked), in SemVer order */
  versions: RegistrationVersion[];
}

/** The id's registration with every version; null = no such id. */
export async function readRegistration(db: Db, id: string, dir = packagesDir()): Promise<Registration | null> {
  if (!isValidPackageId(id)) return null;
  const idKey = packageIdKey(id);
  const row = await db.packageRegistration.findUnique({
    where: { idKey },
    select: { packageId: true, verified: true, versions: { select: { id: true, version: true, versionKey: true, listed: true, pushedAt: true } } },
  });
  if (!row) return null;
  const sorted = row.versions.sort((a, b) => compareVersions(a.version, b.version));
  const versions: RegistrationVersion[] = [];
  // a few at a time: an uncached version reads its whole package file to find its nuspec
  for (let at = 0; at < sorted.length; at += READ_AT_ONCE) {
    const slice = sorted.slice(at, at + READ_AT_ONCE);
    const groups = await Promise.all(slice.map((v) => dependencyGroupsOf(v.id, packageFilePath(dir, idKey, v.versionKey, v.id))));
    slice.forEach((v, i) => versions.push({ version: v.version, listed: v.listed, pushedAt: v.pushedAt, dependencyGroups: groups[i] }));
  }
  return { packageId: row.packageId, verified: row.verified, versions };
}
