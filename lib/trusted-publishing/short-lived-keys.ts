// Short-lived keys (spec A7): an ApiKey row of type apikey.v5 linked to the policy that issued it.
// Same key format as every key (oy2…, checksum, hashed secret: GitHub's registered pattern, the
// push scan and authenticate() know it without a lookup); the type keeps them off every list.
import "server-only";
import type { Db } from "@/lib/create-db";
import { logError } from "@/lib/log";
import { withPushedPackage } from "./last-use";

export const SHORT_LIVED_KEY_TYPE = "apikey.v5";
/** nuget.org's Credential.Description for these keys */
export const SHORT_LIVED_KEY_NAME = "Short-lived API key generated via a federated credential";

/**
 * nuget.org's round-trip UTC format ("o"): seven fractional digits, e.g.
 * 2026-08-20T12:34:00.0000000Z. NuGet/login passes it through untouched.
 */
export function roundTripUtc(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/**
 * After a short-lived key pushed: the package joins its policy's last use. Never fails the push
 * (it has been stored): a failure is logged.
 */
export async function recordPolicyPush(db: Db, keyId: string, packageId: string, version: string): Promise<void> {
  try {
    const key = await db.apiKey.findUnique({ where: { id: keyId }, select: { policy: { select: { id: true, lastUse: true } } } });
    const policy = key?.policy;
    if (!policy) return;
    const lastUse = withPushedPackage(policy.lastUse, packageId, version);
    // conditional: a newer exchange's record is not overwritten with this one's
    if (lastUse) await db.trustedPublishingPolicy.updateMany({ where: { id: policy.id, lastUse: policy.lastUse }, data: { lastUse } });
  } catch (e) {
    logError(`could not record the push of ${packageId} ${version} on a Trusted Publishing policy`, e);
  }
}

/**
 * Deletes short-lived keys that expired (nuget.org's DeleteExpiredApiKeysTask), 1,000 a statement.
 * A day's grace keeps a just-expired key's refusal readable as "expired" rather than "not found".
 */
export async function deleteExpiredShortLivedKeys(db: Db, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - 86_400_000);
  let deleted = 0;
  for (;;) {
    const old = await db.apiKey.findMany({ where: { type: SHORT_LIVED_KEY_TYPE, expiresAt: { lt: before } }, take: 1_000, select: { id: true } });
    if (old.length === 0) return deleted;
    deleted += (await db.apiKey.deleteMany({ where: { id: { in: old.map((k) => k.id) } } })).count;
    if (old.length < 1_000) return deleted;
  }
}
