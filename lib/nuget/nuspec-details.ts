// What a package page shows from a stored .nupkg's nuspec: title, description, authors, tags and
// the readme file it names. Read with the same capped zip reader as a push (lib/nuget/zip.ts);
// anything unreadable is simply left out, as the push already checked the package.
import { XMLParser } from "fast-xml-parser";
import { isRootNuspec, MAX_NUSPEC_BYTES, MAX_NUSPEC_TAGS } from "./nupkg";
import { findEntries, readEntry } from "./zip";

export interface NuspecDetails {
  title: string | null;
  description: string | null;
  authors: string | null;
  tags: string | null;
  /** <license type="expression|file">: an SPDX expression or the license file's path */
  license: { type: string; value: string } | null;
  licenseUrl: string | null;
  /** the readme file's text (shown as plain text: never rendered as HTML) */
  readme: string | null;
}

/** nuget.org's limit on an embedded readme */
export const MAX_README_BYTES = 1024 * 1024;

const parser = new XMLParser({
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  processEntities: false,
  trimValues: true,
});

function text(value: unknown): string | null {
  if (typeof value === "string") return value || null;
  if (value && typeof value === "object" && typeof (value as Record<string, unknown>)["#text"] === "string") return ((value as Record<string, unknown>)["#text"] as string) || null;
  return null;
}

/** The entity decoding processEntities would do, for the five XML entities only (no DTD tricks). */
function unescapeXml(s: string | null): string | null {
  return s === null ? null : s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]!);
}

function licenseOf(value: unknown): NuspecDetails["license"] {
  const v = unescapeXml(text(value));
  if (!v) return null;
  const type = value && typeof value === "object" ? (value as Record<string, unknown>)["@type"] : undefined;
  return { type: typeof type === "string" ? type : "expression", value: v };
}

/** The readme path as NuGet packs it: '\' or '/' separated, no leading separator, compared without case. */
function readmeName(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\/+/, "").toLowerCase();
}

/** A nuspec's <metadata>, under the push's tag cap; null when it cannot be read. */
function parseMetadata(data: Uint8Array): Record<string, unknown> | null {
  let tags = 0;
  for (let at = data.indexOf(0x3c); at !== -1 && tags <= MAX_NUSPEC_TAGS; at = data.indexOf(0x3c, at + 1)) tags++;
  if (tags > MAX_NUSPEC_TAGS) return null;
  try {
    const xml = new TextDecoder("utf-8", { fatal: true }).decode(data).replace(/^\uFEFF/, "");
    const doc = parser.parse(xml, true) as { package?: { metadata?: Record<string, unknown> } };
    if (!doc.package?.metadata || typeof doc.package.metadata !== "object") return null;
    return doc.package.metadata;
  } catch {
    return null;
  }
}

/** The description of a stored package's nuspec (read by readStoredNuspec): the search index's backfill. */
export function nuspecDescription(nuspec: Uint8Array): string | null {
  const metadata = parseMetadata(nuspec);
  return metadata ? unescapeXml(text(metadata.description)) : null;
}

export async function readNuspecDetails(bytes: Uint8Array): Promise<NuspecDetails | null> {
  const found = await findEntries(bytes, isRootNuspec, 1);
  if (!found.ok || found.entries.length !== 1) return null;
  const nuspec = await readEntry(bytes, found.entries[0], MAX_NUSPEC_BYTES);
  if (!nuspec.ok) return null;
  const metadata = parseMetadata(nuspec.data);
  if (!metadata) return null;
  const details: NuspecDetails = {
    title: unescapeXml(text(metadata.title)),
    description: unescapeXml(text(metadata.description)),
    authors: unescapeXml(text(metadata.authors)),
    tags: unescapeXml(text(metadata.tags)),
    license: licenseOf(metadata.license),
    licenseUrl: unescapeXml(text(metadata.licenseUrl)),
    readme: null,
  };
  const readmePath = unescapeXml(text(metadata.readme));
  if (readmePath) {
    const wanted = readmeName(readmePath);
    const entries = await findEntries(bytes, (buf, start, end) => readmeName(buf.toString("latin1", start, end)) === wanted, 1);
    if (entries.ok && entries.entries.length === 1) {
      const readme = await readEntry(bytes, entries.entries[0], MAX_README_BYTES);
      if (readme.ok) details.readme = new TextDecoder("utf-8").decode(readme.data).replace(/^\uFEFF/, "");
    }
  }
  return details;
}
