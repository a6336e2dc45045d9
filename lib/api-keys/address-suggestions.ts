// The address ranges a key's row suggests (issue 14 item 4, Stripe's "suggested IPs"): where its
// recent allowed uses came from, read from KeyActivity (recorded by the activity feature; with no
// rows, no suggestion). Exact addresses (/32, /128) not already inside the key's ranges.
import "server-only";
import type { Db } from "@/lib/create-db";
import { coveredBy, normalizeRange, plainAddress } from "./address-limits";

const RECENT_DAYS = 30;
/** Per key; the query itself reads at most MAX_ROWS groups whatever the keys' traffic. */
const PER_KEY = 5;
const MAX_ROWS = 500;

export async function suggestedRanges(
  db: Db,
  keys: readonly { id: string; allowedCidrs: readonly string[] }[],
  now = new Date(),
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (keys.length === 0) return out;
  const groups = await db.keyActivity.groupBy({
    by: ["apiKeyId", "clientAddress"],
    where: {
      apiKeyId: { in: keys.map((k) => k.id) },
      result: "allowed",
      clientAddress: { not: null },
      at: { gte: new Date(now.getTime() - RECENT_DAYS * 86_400_000) },
    },
    _max: { at: true },
    orderBy: { _max: { at: "desc" } },
    take: MAX_ROWS,
  });
  const limits = new Map(keys.map((k) => [k.id, k.allowedCidrs]));
  for (const g of groups) {
    if (!g.clientAddress) continue;
    const address = plainAddress(g.clientAddress);
    const range = normalizeRange(address);
    const list = out.get(g.apiKeyId) ?? [];
    if (!range.ok || list.length >= PER_KEY || list.includes(range.range) || coveredBy(limits.get(g.apiKeyId) ?? [], address)) continue;
    out.set(g.apiKeyId, [...list, range.range]);
  }
  return out;
}
