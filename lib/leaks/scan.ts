// Pushed packages scanned for this site's API keys: every text entry (by its extension, or a
// name with none: LICENSE, README) is inflated and searched for "oy2". A candidate is a key only
// if its checksum holds (key-material.ts), so look-alikes cost no database lookup. A live key
// refuses the push (400, the reason names the file) and is revoked, its holder mailed; a dead
// one is named in an X-NuGet-Warning and the push goes on. Entries past the caps below are not
// scanned: the scan protects against accidents, and a package's size is capped already.
import "server-only";
import type { Db } from "@/lib/create-db";
import { findKeysOffThread, newBodyScan, type BodyScan } from "./scan-pool";
import { env } from "@/lib/env";
import { keysVerdict, type PushScan } from "./scan-package";
import type { FoundKey } from "./find-keys";

export type { PushScan } from "./scan-package";
export type { BodyScan } from "./scan-pool";
export { findKeysInPackage, isTextEntry, keysIn, MAX_SCANNED_BYTES, MAX_SCANNED_ENTRIES, MAX_SCANNED_ENTRY_BYTES, type FoundKey } from "./find-keys";

/**
 * The push's scan, finished (or, without a head start, started) as soon as the package's bytes
 * are there (lib/nuget/push.ts): off with LEAK_SCAN_PUSHES=0 (null). It runs on worker threads (scan-pool.ts) while this thread
 * reads the nuspec, checks ownership and writes and hashes the file; the push inserts no row
 * until pushScanVerdict has its keys (addPackageVersion's beforeCommit), and a refusal removes
 * the file. bench:leaks has the figures.
 */
export function startPushScan(nupkg: Uint8Array, arriving?: { scan: BodyScan; body: Uint8Array } | null): Promise<FoundKey[]> | null {
  if (!env().LEAK_SCAN_PUSHES) return null;
  return arriving ? arriving.scan.finish(nupkg, arriving.body) : findKeysOffThread(nupkg);
}

/**
 * The scan's head start, for a push about to read its body: its text entries go to the workers
 * as they arrive (scan-pool.ts's BodyScan), and startPushScan finishes it. Null when scanning
 * is off or there are no workers.
 */
export function scanAsBodyArrives(): BodyScan | null {
  return env().LEAK_SCAN_PUSHES ? newBodyScan() : null;
}

/** What the push answers for the keys its scan found (scan-package.ts's verdict). */
export async function pushScanVerdict(
  db: Db,
  scanning: Promise<FoundKey[]> | null,
  pkg: { id: string; version: string },
  headers: Pick<Headers, "get">,
): Promise<PushScan> {
  return scanning ? keysVerdict(db, await scanning, pkg, headers) : { warnings: [] };
}

/** Both at once (tests). */
export function scanPush(db: Db, nupkg: Uint8Array, pkg: { id: string; version: string }, headers: Pick<Headers, "get">): Promise<PushScan> {
  return pushScanVerdict(db, startPushScan(nupkg), pkg, headers);
}
