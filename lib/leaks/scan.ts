// Pushed packages scanned for this site's API keys: every text entry (by its extension, or a
// name with none: LICENSE, README) is inflated and searched for "oy2". A candidate is a key only
// if its checksum holds (key-material.ts), so look-alikes cost no database lookup. A live key
// refuses the push (400, the reason names the file) and is revoked, its holder mailed; a dead
// one is named in an X-NuGet-Warning and the push goes on. Entries past the caps below are not
// scanned: the scan protects against accidents, and a package's size is capped already.
import "server-only";
import type { Db } from "@/lib/create-db";
import { findKeysOffThread } from "./scan-pool";
import { scanPackage, type PushScan } from "./scan-package";

export type { PushScan } from "./scan-package";
export { findKeysInPackage, isTextEntry, keysIn, MAX_SCANNED_BYTES, MAX_SCANNED_ENTRIES, MAX_SCANNED_ENTRY_BYTES, type FoundKey } from "./find-keys";

/**
 * The push's scan (lib/nuget/push.ts): off with LEAK_SCAN_PUSHES=0. It runs on a worker thread
 * (scan-pool.ts) while this thread checks ownership and writes and hashes the file; the push
 * inserts no row until it has ended (addPackageVersion's beforeCommit), and a refusal removes
 * the file. Tried before and dropped: the same overlap with the scan on this thread. The hash
 * and the inflating both wanted this thread, so nothing hid (typical package: 48 ms at once
 * against 20 + 23 one after the other). bench:leaks, three runs each, interleaved in one hour on
 * the loaded 2-core machine, medians: worker +26% typical, +68% all text; the scan first on this
 * thread (before) +42%, +96%. Better, not yet the 15% target.
 */
export function scanPush(db: Db, nupkg: Uint8Array, pkg: { id: string; version: string }, headers: Pick<Headers, "get">): Promise<PushScan> {
  return scanPackage(db, nupkg, pkg, headers, findKeysOffThread);
}
