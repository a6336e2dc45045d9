// Reads a .nupkg's identity (id and version) from the .nuspec at the root of its zip. Pure.
// Only the nuspec is decompressed; nothing else in the package is read.
import { unzipSync } from "fflate";
import { XMLParser } from "fast-xml-parser";
import { isValidPackageId, MAX_PACKAGE_ID_LENGTH } from "./package-id";
import { parseVersion, type NuGetVersion } from "./version";

export type NupkgResult =
  | { ok: true; id: string; version: NuGetVersion; versionText: string }
  | { ok: false; reason: string };

/** a nuspec is a few kB; refusing big ones keeps a zip bomb from inflating in memory */
const MAX_NUSPEC_BYTES = 1024 * 1024;

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

export function readNupkg(bytes: Uint8Array): NupkgResult {
  let files: Record<string, Uint8Array>;
  let tooBig = false;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        const atRoot = !f.name.includes("/") && f.name.toLowerCase().endsWith(".nuspec");
        if (atRoot && f.originalSize > MAX_NUSPEC_BYTES) tooBig = true;
        return atRoot && !tooBig;
      },
    });
  } catch {
    return { ok: false, reason: "The package is not a valid .nupkg (zip) file." };
  }
  if (tooBig) return { ok: false, reason: "The package's .nuspec file is too large." };
  const names = Object.keys(files);
  if (names.length === 0) return { ok: false, reason: "The package has no .nuspec file at the root of its zip." };
  if (names.length > 1) return { ok: false, reason: "The package has more than one .nuspec file at its root." };

  let doc: Record<string, unknown>;
  try {
    const xml = new TextDecoder("utf-8", { fatal: true }).decode(files[names[0]]).replace(/^\uFEFF/, "");
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
  return { ok: true, id, version, versionText };
}
