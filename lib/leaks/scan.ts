// Pushed packages scanned for this site's API keys: every text entry (by its extension, or a
// name with none: LICENSE, README) is inflated and searched for "oy2". A candidate is a key only
// if its checksum holds (key-material.ts), so look-alikes cost no database lookup. A live key
// refuses the push (400, the reason names the file) and is revoked, its holder mailed; a dead
// one is named in an X-NuGet-Warning and the push goes on. Entries past the caps below are not
// scanned: the scan protects against accidents, and a package's size is capped already.
import "server-only";
import type { Db } from "@/lib/create-db";
import { KEY_LENGTH, KEY_PREFIX, parseKey } from "@/lib/api-keys/key-material";
import { env } from "@/lib/env";
import { appOrigin, clientIp } from "@/lib/request-context";
import { nugetAnswer, type NuGetAnswer } from "@/lib/nuget/responses";
import { findEntries, readEntry, type ZipEntry } from "@/lib/nuget/zip";
import { revokeLeakedKeys } from "./revoke";

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

/** The keys in a package's text entries, each once (its first file). Pure: no database. */
export async function findKeysInPackage(nupkg: Uint8Array): Promise<FoundKey[]> {
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
    if (entries[i].uncompressedSize > INFLATE_HERE_BYTES) {
      large.push(i);
      continue;
    }
    const read = await readEntry(nupkg, entries[i], MAX_SCANNED_ENTRY_BYTES, { checkCrc: false, inflateHere: true });
    // a damaged entry is not this check's business (the push stores the package as given)
    perEntry[i] = read.ok ? keysIn(read.data) : [];
    sinceTurn += entries[i].uncompressedSize;
    if (sinceTurn >= SLICE_BYTES) {
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

export interface PushScan {
  /** the push's answer when a live key was found: nothing is stored */
  refusal?: NuGetAnswer;
  /** X-NuGet-Warning texts for keys that no longer work */
  warnings: string[];
}

/**
 * The push's scan (lib/nuget/push.ts): off with LEAK_SCAN_PUSHES=0. It runs before anything is
 * written. Tried and dropped: running it alongside the file's hashing and flushing (a hook that
 * addPackageVersion awaited before its inserts). The hash and the inflating both want this
 * thread and the flush is short, so little can hide: in-process, hash + scan at once took what
 * the two take one after the other (typical package: 48 ms against 20 + 23), and bench/leaks.ts
 * showed no gain beyond its noise (with it: +20%, +29% typical, +85%, +106% all text; without,
 * the same hour: +16%, +26%, +47% and +61%, +137%, +183%).
 */
export async function scanPush(
  db: Db,
  nupkg: Uint8Array,
  pkg: { id: string; version: string },
  headers: Pick<Headers, "get">,
): Promise<PushScan> {
  if (!env().LEAK_SCAN_PUSHES) return { warnings: [] };
  const found = await findKeysInPackage(nupkg);
  if (found.length === 0) return { warnings: [] };
  const outcome = await revokeLeakedKeys(
    db,
    found.map((f) => ({ token: f.token, url: `${pkg.id} ${pkg.version}: ${f.file}` })),
    "Push",
    { origin: appOrigin(headers), ip: clientIp(headers) },
  );
  const files = (verdict: string) => [...new Set(found.filter((_, i) => outcome.verdicts[i] === verdict).map((f) => f.file))];
  const live = files("revoked");
  if (live.length > 0) {
    const more = live.length > 1 ? ` (and ${live.length - 1} more file${live.length > 2 ? "s" : ""})` : "";
    return {
      refusal: nugetAnswer(400, {
        reason: `The package contains a live API key in the file '${live[0]}'${more}. The key has been revoked and its owner notified.`,
        detail: "Nothing was stored. Remove the key from the package, create a new key, and push again.",
      }),
      warnings: [],
    };
  }
  const dead = [...new Set([...files("dead"), ...files("unknown")])];
  return {
    warnings: dead.map((file) => `The package contains an API key that no longer works in the file '${file}'. Remove it from the package.`),
  };
}
