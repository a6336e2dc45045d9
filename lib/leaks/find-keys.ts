// The push scan's pure part (lib/leaks/scan.ts): which entries are read and what counts as a
// key. No database and no "server-only": the scan worker (scan-worker.ts) bundles it too.
import { KEY_LENGTH, KEY_PREFIX, parseKey } from "@/lib/api-keys/key-material";
import { findEntries, readEntry, type ZipEntry } from "@/lib/nuget/zip";

/** No single text entry larger than this is inflated. */
export const MAX_SCANNED_ENTRY_BYTES = 16 * 1024 * 1024;
/** Nor more than this in all, per push (a zip bomb of text entries inflates this much at most). */
export const MAX_SCANNED_BYTES = 128 * 1024 * 1024;
/** Text entries scanned per package. */
export const MAX_SCANNED_ENTRIES = 10_000;
/** Large entries inflated at once (zlib's thread pool has four threads). */
const PARALLEL = 4;
/** Entries up to this size are inflated on the event loop's thread... */
const INFLATE_HERE_BYTES = 1024 * 1024;
/** ...yielding to the event loop after about this much output (a few milliseconds of work). */
const SLICE_BYTES = 2 * 1024 * 1024;

const TEXT_EXTENSIONS = new Set(
  (
    "nuspec md txt xml json config props targets ps1 psm1 psd1 cmd bat sh bash zsh yml yaml ini env cfg toml " +
    "cs fs vb csx fsx pp xdt transform install csproj fsproj vbproj proj sln editorconfig js mjs cjs ts py rb " +
    "html htm css rst log gitignore npmrc nugetrc properties gradle tf"
  ).split(" "),
);

/** Names without an extension that are text. */
const TEXT_NAMES = new Set(["license", "readme", "notice", "authors", "copying", "changelog", "dockerfile", "makefile"]);

const latin1 = (bytes: Uint8Array, start: number, end: number) => Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1");

/** Whether the zip entry name bytes[start, end) is text worth scanning: by its extension (any case), or a known name without one. */
export function isTextEntry(bytes: Uint8Array, start: number, end: number): boolean {
  // read backwards from the end, at most 24 bytes: no string is made for most of a crafted zip's records
  for (let i = end - 1; i >= start && end - i <= 24; i--) {
    const b = bytes[i];
    if (b === 0x2e) return TEXT_EXTENSIONS.has(latin1(bytes, i + 1, end).toLowerCase());
    if (b === 0x2f || b === 0x5c) return TEXT_NAMES.has(latin1(bytes, i + 1, end).toLowerCase());
    if (i === start) return TEXT_NAMES.has(latin1(bytes, start, end).toLowerCase());
  }
  return false;
}

export interface FoundKey {
  /** the entry's name, as the package lists it */
  file: string;
  token: string;
}

const PREFIXES = [Buffer.from(KEY_PREFIX), Buffer.from(KEY_PREFIX.toUpperCase())];

/** Every well-formed key (checksum right) in `data`, in order; look-alikes are dropped here. */
export function keysIn(data: Buffer): string[] {
  const out: string[] = [];
  for (const prefix of PREFIXES) {
    for (let at = data.indexOf(prefix); at !== -1 && at + KEY_LENGTH <= data.length; at = data.indexOf(prefix, at + 1)) {
      const candidate = data.toString("latin1", at, at + KEY_LENGTH);
      if (parseKey(candidate)) out.push(candidate.toLowerCase());
    }
  }
  return out;
}

function entryName(entry: ZipEntry): string {
  return entry.nameBytes.toString("utf8");
}

/**
 * The keys in a package's text entries, each once (its first file). Pure: no database.
 * `allHere`: every entry inflated on this thread, without yielding (the scan worker: it has
 * nothing else to do, and zlib's pool would only compete with the push's hashing for the cores).
 */
export async function findKeysInPackage(nupkg: Uint8Array, allHere = false): Promise<FoundKey[]> {
  const listed = await findEntries(nupkg, isTextEntry, MAX_SCANNED_ENTRIES);
  if (!listed.ok) return [];
  let budget = MAX_SCANNED_BYTES;
  const entries = listed.entries.filter((e) => {
    if (e.uncompressedSize > MAX_SCANNED_ENTRY_BYTES || e.uncompressedSize > budget) return false;
    budget -= e.uncompressedSize;
    return true;
  });
  const found = new Map<string, string>();
  const perEntry: string[][] = new Array(entries.length);
  // Small entries are inflated on this thread, a slice at a time between turns of the event loop:
  // a hop to zlib's pool per entry cost the scan several times the inflating itself (200 entries
  // of 30 kB: 50-120 ms on the pool, 10-25 ms here, on a busy 2-core machine). Large ones go to the pool.
  let sinceTurn = 0;
  const large: number[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (!allHere && entries[i].uncompressedSize > INFLATE_HERE_BYTES) {
      large.push(i);
      continue;
    }
    const read = await readEntry(nupkg, entries[i], MAX_SCANNED_ENTRY_BYTES, { checkCrc: false, inflateHere: true });
    // a damaged entry is not this check's business (the push stores the package as given)
    perEntry[i] = read.ok ? keysIn(read.data) : [];
    sinceTurn += entries[i].uncompressedSize;
    if (!allHere && sinceTurn >= SLICE_BYTES) {
      sinceTurn = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < large.length) {
      const i = large[next++];
      const read = await readEntry(nupkg, entries[i], MAX_SCANNED_ENTRY_BYTES, { checkCrc: false });
      perEntry[i] = read.ok ? keysIn(read.data) : [];
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, large.length) }, worker));
  perEntry.forEach((keys, i) => {
    for (const token of keys) if (!found.has(token)) found.set(token, entryName(entries[i]));
  });
  return [...found].map(([token, file]) => ({ token, file }));
}
