// Reads a .nupkg's identity (id and version) from the .nuspec at the root of its zip. Pure.
// Only the nuspec is decompressed (lib/nuget/zip.ts); nothing else in the package is read.
import { XMLParser } from "fast-xml-parser";
import { isValidPackageId, MAX_PACKAGE_ID_LENGTH } from "./package-id";
import { parseVersion, type NuGetVersion } from "./version";
import { findEntries, readEntry, type ZipProblem } from "./zip";

export type NupkgResult =
  | { ok: true; id: string; version: NuGetVersion; versionText: string; description: string | null }
  | { ok: false; reason: string };

/**
 * A nuspec is a few kB: nuget.org takes at most 4,000 characters for each of description,
 * summary, title, tags, authors and copyright, and 35,000 for release notes. The cap bounds
 * what is inflated, and what the XML parser, on the event loop, reads: a 1 MB description
 * stalled every other request for a noticeable fraction of a second (bench/crafted-zips.ts).
 */
export const MAX_NUSPEC_BYTES = 256 * 1024;
/**
 * Tags ('<') in a nuspec, counted before it is parsed. The XML parser runs on the event loop, and
 * tens of thousands of "<a/>" from a tiny upload stalled every request (bench/crafted-zips.ts has
 * the figures). A real nuspec has tens to a few hundred tags (a metapackage's dependency groups).
 */
export const MAX_NUSPEC_TAGS = 4_000;

const ZIP_REASONS: Record<ZipProblem, string> = {
  invalid: "The package is not a valid .nupkg (zip) file.",
  "too-large": "The package's .nuspec file is too large.",
  encrypted: "The package's .nuspec file is encrypted.",
  "unsupported-method": "The package's .nuspec file is compressed with an unsupported method.",
  corrupt: "The package's .nuspec file is damaged.",
};

const NUSPEC = ".nuspec";

/** bytes[start, end) ends in ".nuspec", any ASCII case */
function endsWithNuspec(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start < NUSPEC.length) return false;
  for (let i = 0; i < NUSPEC.length; i++) {
    const b = bytes[end - NUSPEC.length + i];
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== NUSPEC.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Whether the zip entry name bytes[start, end) is the package's manifest, by NuGet's rule
 * (PackageHelper.IsManifest on ZipArchiveExtensions.GetFiles' names): %-unescaped, it has no '/'
 * or '\' and ends in ".nuspec", any case. Read on bytes, as every character the rule looks at is
 * ASCII (in UTF-8 and CP437 names alike), and only ASCII escapes can make or unmake one of them.
 */
export function isRootNuspec(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let escaped = false;
  for (let i = start; i < end; i++) {
    // an unescape never removes a '/' or '\'
    if (bytes[i] === 0x2f || bytes[i] === 0x5c) return false;
    if (bytes[i] === 0x25) escaped = true;
  }
  if (!escaped) return endsWithNuspec(bytes, start, end);
  const name = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start)
    .toString("latin1")
    .replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return !/[/\\]/.test(name) && name.toLowerCase().endsWith(NUSPEC);
}

const parser = new XMLParser({
  removeNSPrefix: true,
  // keep "1.0" a string (the default would turn it into the number 1)
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  processEntities: false,
  trimValues: true,
});

function text(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return null;
}

export async function readNupkg(bytes: Uint8Array): Promise<NupkgResult> {
  // a second root nuspec ends the walk: nothing is inflated before there is exactly one
  const found = await findEntries(bytes, isRootNuspec, 1);
  if (!found.ok) return { ok: false, reason: ZIP_REASONS[found.problem] };
  if (found.entries.length === 0) return { ok: false, reason: "The package has no .nuspec file at the root of its zip." };
  if (found.entries.length > 1) return { ok: false, reason: "The package has more than one .nuspec file at its root." };
  const nuspec = await readEntry(bytes, found.entries[0], MAX_NUSPEC_BYTES);
  if (!nuspec.ok) return { ok: false, reason: ZIP_REASONS[nuspec.problem] };

  let tags = 0;
  for (let at = nuspec.data.indexOf(0x3c); at !== -1 && tags <= MAX_NUSPEC_TAGS; at = nuspec.data.indexOf(0x3c, at + 1)) tags++;
  if (tags > MAX_NUSPEC_TAGS) return { ok: false, reason: "The package's .nuspec file has too many XML elements." };

  let doc: Record<string, unknown>;
  try {
    const xml = new TextDecoder("utf-8", { fatal: true }).decode(nuspec.data).replace(/^\uFEFF/, "");
    doc = parser.parse(xml, true) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: "The package's .nuspec is not well-formed XML." };
  }
  const pkg = doc.package as Record<string, unknown> | undefined;
  const metadata = (pkg && typeof pkg === "object" ? pkg.metadata : undefined) as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata !== "object") {
    return { ok: false, reason: "The package's .nuspec has no <package><metadata> element." };
  }
  const id = text(metadata.id);
  const versionText = text(metadata.version);
  if (!id) return { ok: false, reason: "The package's .nuspec has no <id>." };
  if (!versionText) return { ok: false, reason: "The package's .nuspec has no <version>." };
  if (!isValidPackageId(id)) {
    return {
      ok: false,
      reason: `The package id is not valid: at most ${MAX_PACKAGE_ID_LENGTH} letters, digits, '_', '.' or '-', with no '.' or '-' at the start, at the end or twice in a row.`,
    };
  }
  const version = parseVersion(versionText);
  if (!version) return { ok: false, reason: `The package version '${versionText}' is not a valid NuGet version.` };
  // the five XML entities only (processEntities is off: no DTD tricks); the search index reads it
  const description = text(metadata.description)?.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]!) || null;
  return { ok: true, id, version, versionText, description };
}
