// The push scan's verdict on a package (scan.ts), given how to find its keys: scan.ts finds them
// on the worker thread (scan-pool.ts); a Next route or page finds them on its own thread
// (find-keys.ts) through this module, which never imports the pool: Turbopack traces the pool's
// `new Worker(file)` into the whole project and fails the build.
import "server-only";
import type { Db } from "@/lib/create-db";
import { env } from "@/lib/env";
import { appOrigin, clientIp } from "@/lib/request-context";
import { nugetAnswer, type NuGetAnswer } from "@/lib/nuget/responses";
import { findKeysInPackage, type FoundKey } from "./find-keys";
import { revokeLeakedKeys } from "./revoke";

export interface PushScan {
  /** the push's answer when a live key was found: nothing is stored */
  refusal?: NuGetAnswer;
  /** X-NuGet-Warning texts for keys that no longer work */
  warnings: string[];
}

/** The scan's verdict on a package, its keys found on this thread (an upload's route). */
export async function scanPackage(db: Db, nupkg: Uint8Array, pkg: { id: string; version: string }, headers: Pick<Headers, "get">): Promise<PushScan> {
  if (!env().LEAK_SCAN_PUSHES) return { warnings: [] };
  return keysVerdict(db, await findKeysInPackage(nupkg), pkg, headers);
}

/** What a push or an upload answers for the keys its scan found: a live one revoked and refusing it, dead ones warned of. */
export async function keysVerdict(db: Db, found: FoundKey[], pkg: { id: string; version: string }, headers: Pick<Headers, "get">): Promise<PushScan> {
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
