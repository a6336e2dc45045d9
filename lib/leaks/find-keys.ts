// The push scan's pure part (lib/leaks/scan.ts): which entries are read and what counts as a
// key. No database and no "server-only": the scan worker (scan-worker.ts) bundles it too.
import { inflateRaw, inflateRawSync, type ZlibOptions } from "node:zlib";
import { KEY_LENGTH, KEY_PREFIX, parseKey } from "@/lib/api-keys/key-material";
import { entryData, findEntries, nextTurn, STORED } from "@/lib/nuget/zip";

/** No single text entry larger than this is inflated. */
export const MAX_SCANNED_ENTRY_BYTES = 16 * 1024 * 1024;
/** Nor more than this in all, per push (a zip bomb of text entries inflates this much at most). */
export const MAX_SCANNED_BYTES = 128 * 1024 * 1024;
/** Text entries scanned per package. */
export const MAX_SCANNED_ENTRIES = 10_000;
/** Entries checked between two turns of the event loop (each about a microsecond). */
const CHECK_SLICE = 1024;
/** On the main thread (no worker), entries up to this size are inflated on the event loop's thread, larger ones on zlib's pool... */
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

// Keys are case-insensitive (parseKey), so "Oy2…" is a key too. The search is for the prefix's
// last character alone ("2": no case, one search; a letter would take two), with memchr's
// speed, and the characters before it are compared by hand: searching "oy2" and "OY2" whole
// (and missing "Oy2") took twice as long on prose and base64 alike (bench/leaks.ts's packages).
// The same search finds keys in UTF-16 text (Windows PowerShell saves scripts so): there a
// zero byte sits between the characters, in either byte order.
const PREFIX = Buffer.from(KEY_PREFIX.toLowerCase(), "latin1");
const LAST = PREFIX.length - 1;
const LAST_FORMS = [...new Set([KEY_PREFIX.at(-1)!.toLowerCase(), KEY_PREFIX.at(-1)!.toUpperCase()])].map((c) => c.charCodeAt(0));
const lower = (b: number) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b);

/** Whether the prefix ends at `at`, its characters `step` bytes apart (1; 2 in UTF-16, the bytes between them zero). */
function prefixEndsAt(data: Buffer, at: number, step: 1 | 2): boolean {
  if (at - LAST * step < 0) return false;
  for (let i = 1; i <= LAST; i++) {
    if (lower(data[at - i * step]) !== PREFIX[LAST - i]) return false;
    if (step === 2 && data[at - i * step + 1] !== 0) return false;
  }
  return true;
}

/** The key's characters from `start`, `step` bytes apart; null if a byte between them (UTF-16) is not zero. */
function candidateAt(data: Buffer, start: number, step: 1 | 2): string | null {
  if (step === 1) return data.toString("latin1", start, start + KEY_LENGTH);
  let chars = "";
  for (let i = 0; i < KEY_LENGTH; i++) {
    if (i > 0 && data[start + 2 * i - 1] !== 0) return null;
    chars += String.fromCharCode(data[start + 2 * i]);
  }
  return chars;
}

/** Every well-formed key (checksum right) in `data`, in order, lower-cased; look-alikes are dropped here. */
export function keysIn(data: Buffer): string[] {
  const hits: [at: number, key: string][] = [];
  for (const last of LAST_FORMS) {
    for (let at = data.indexOf(last, LAST); at !== -1; at = data.indexOf(last, at + 1)) {
      const step = prefixEndsAt(data, at, 1) ? 1 : prefixEndsAt(data, at, 2) ? 2 : 0;
      if (step === 0) continue;
      const start = at - LAST * step;
      if (start + (KEY_LENGTH - 1) * step + 1 > data.length) continue;
      const candidate = candidateAt(data, start, step);
      if (candidate && parseKey(candidate)) hits.push([start, candidate.toLowerCase()]);
    }
  }
  return LAST_FORMS.length > 1 ? hits.sort((a, b) => a[0] - b[0]).map(([, key]) => key) : hits.map(([, key]) => key);
}

/** A text entry the scan reads: its bytes as stored (deflated or not) and its declared size. */
export interface ScanEntry {
  /** the entry's name, as the package lists it */
  file: string;
  /** its local header's offset in the package */
  offset: number;
  stored: Buffer;
  deflated: boolean;
  size: number;
}

/**
 * The text entries a push's scan reads, within the caps above, as stored. A damaged entry is
 * skipped: that is not this check's business (the push stores the package as given), and
 * a package that is not a zip has none.
 */
export async function scannedEntries(nupkg: Uint8Array): Promise<ScanEntry[]> {
  const listed = await findEntries(nupkg, isTextEntry, MAX_SCANNED_ENTRIES);
  if (!listed.ok) return [];
  let budget = MAX_SCANNED_BYTES;
  const entries: ScanEntry[] = [];
  // the bytes behind one local header are scanned once, however many records name it (a
  // crafted zip's thousands on one stream)
  const taken = new Set<number>();
  for (const [i, entry] of listed.entries.entries()) {
    if (i % CHECK_SLICE === CHECK_SLICE - 1) await nextTurn();
    if (taken.has(entry.localHeaderOffset)) continue;
    if (entry.uncompressedSize > MAX_SCANNED_ENTRY_BYTES || entry.uncompressedSize > budget) continue;
    const found = entryData(nupkg, entry, MAX_SCANNED_ENTRY_BYTES);
    if (!found.ok) continue;
    taken.add(entry.localHeaderOffset);
    budget -= entry.uncompressedSize;
    entries.push({ file: entry.nameBytes.toString("utf8"), offset: entry.localHeaderOffset, stored: found.stored, deflated: entry.method !== STORED, size: entry.uncompressedSize });
  }
  return entries;
}

/**
 * Inflated into one buffer of the declared size: with zlib's default 16 kB pieces, joined
 * afterwards, the allocating and copying cost a third as much as the inflating (bench/leaks.ts).
 */
const inflating = (size: number): ZlibOptions => ({ maxOutputLength: Math.max(1, size), chunkSize: Math.max(64, size + 1) });

/**
 * The keys in one entry, inflated on this thread. A deflate stream that is damaged or longer
 * than declared is not scanned (readEntry refuses the same); one shorter than declared is.
 */
export function keysInEntry(stored: Buffer, deflated: boolean, size: number): string[] {
  if (!deflated) return keysIn(stored);
  let data: Buffer;
  try {
    data = inflateRawSync(stored, inflating(size));
  } catch {
    return [];
  }
  return keysIn(data);
}

function keysInEntryOnPool(entry: ScanEntry): Promise<string[]> {
  return new Promise((resolve) => inflateRaw(entry.stored, inflating(entry.size), (e, data) => resolve(e ? [] : keysIn(data))));
}

/**
 * The keys of `entries` on the main thread, without the worker: small entries here, a slice
 * at a time between turns of the event loop (a hop to zlib's pool per entry cost several times
 * the inflating itself), large ones on zlib's pool.
 */
export async function keysInEntries(entries: ScanEntry[]): Promise<string[][]> {
  const keys: string[][] = [];
  let sinceTurn = 0;
  for (const entry of entries) {
    if (entry.deflated && entry.size > INFLATE_HERE_BYTES) {
      keys.push(await keysInEntryOnPool(entry));
      continue;
    }
    keys.push(keysInEntry(entry.stored, entry.deflated, entry.size));
    sinceTurn += entry.size;
    if (sinceTurn >= SLICE_BYTES) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
  return keys;
}

/** Each key once, with the first file it is in. */
export function firstFiles(entries: ScanEntry[], keys: string[][]): FoundKey[] {
  const found = new Map<string, string>();
  keys.forEach((tokens, i) => {
    for (const token of tokens) if (!found.has(token)) found.set(token, entries[i].file);
  });
  return [...found].map(([token, file]) => ({ token, file }));
}

/** The keys in a package's text entries, each once (its first file), on this thread. Pure: no database. */
export async function findKeysInPackage(nupkg: Uint8Array): Promise<FoundKey[]> {
  const entries = await scannedEntries(nupkg);
  return firstFiles(entries, await keysInEntries(entries));
}
