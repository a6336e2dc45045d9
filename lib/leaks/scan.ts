// Pushed packages scanned for this site's API keys: every text entry (by its extension, or a
// name with none: LICENSE, README) is inflated and searched for "oy2". A candidate is a key only
// if its checksum holds (key-material.ts), so look-alikes cost no database lookup. A live key
// refuses the push (400, the reason names the file) and is revoked, its holder mailed; a dead
// one is named in an X-NuGet-Warning and the push goes on. Entries past the caps below are not
// scanned: the scan protects against accidents, and a package's size is capped already.
import "server-only";
import type { Db } from "@/lib/create-db";
import { env } from "@/lib/env";
import { appOrigin, clientIp } from "@/lib/request-context";
import { nugetAnswer, type NuGetAnswer } from "@/lib/nuget/responses";
import { findKeysOffThread } from "./scan-pool";
import { revokeLeakedKeys } from "./revoke";
import type { FoundKey } from "./find-keys";

export { findKeysInPackage, isTextEntry, keysIn, MAX_SCANNED_BYTES, MAX_SCANNED_ENTRIES, MAX_SCANNED_ENTRY_BYTES, type FoundKey } from "./find-keys";

export interface PushScan {
  /** the push's answer when a live key was found: nothing is stored */
  refusal?: NuGetAnswer;
  /** X-NuGet-Warning texts for keys that no longer work */
  warnings: string[];
}

/**
 * The push's scan, started as soon as the package's bytes are there (lib/nuget/push.ts): off
 * with LEAK_SCAN_PUSHES=0 (null). It runs on a worker thread (scan-pool.ts) while this thread
 * reads the nuspec, checks ownership and writes and hashes the file; the push inserts no row
 * until pushScanVerdict has its keys (addPackageVersion's beforeCommit), and a refusal removes
 * the file. bench:leaks has the figures.
 */
export function startPushScan(nupkg: Uint8Array): Promise<FoundKey[]> | null {
  return env().LEAK_SCAN_PUSHES ? findKeysOffThread(nupkg) : null;
}

/** What the push answers for the keys its scan found: a live one revoked and refusing it, dead ones warned of. */
export async function pushScanVerdict(
  db: Db,
  scanning: Promise<FoundKey[]> | null,
  pkg: { id: string; version: string },
  headers: Pick<Headers, "get">,
): Promise<PushScan> {
  if (!scanning) return { warnings: [] };
  const found = await scanning;
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

/** Both at once (tests). */
export function scanPush(db: Db, nupkg: Uint8Array, pkg: { id: string; version: string }, headers: Pick<Headers, "get">): Promise<PushScan> {
  return pushScanVerdict(db, startPushScan(nupkg), pkg, headers);
}
