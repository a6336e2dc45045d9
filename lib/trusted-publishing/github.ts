// A repository's GitHub ids, looked up by the server (nuget.org's page asks from the browser and
// trusts what it sends; the ids are what make a policy permanent, so we never take them from a
// client). Any failure — off, private (404), rate limit, timeout, oversized or odd answer —
// answers null: the policy is then temporary, as on nuget.org.
import { readCapped } from "@/lib/capped-body";
import "server-only";

export const LOOKUP_TIMEOUT_MS = 10_000;
/** A repository's JSON is a few KB; more is not GitHub's answer. */
export const LOOKUP_MAX_BYTES = 256 * 1024;

export interface RepositoryIds {
  ownerId: string;
  repositoryId: string;
}

/** `base`: GITHUB_API_BASE (e.g. https://api.github.com), or "off". */
export async function lookupRepositoryIds(
  base: string,
  owner: string,
  repository: string,
  opts: { timeoutMs?: number; maxBytes?: number } = {},
): Promise<RepositoryIds | null> {
  if (base === "off") return null;
  const url = `${base.replace(/\/$/, "")}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repository)}`;
  const signal = AbortSignal.timeout(opts.timeoutMs ?? LOOKUP_TIMEOUT_MS);
  try {
    const res = await fetch(url, {
      headers: { Accept: "application/vnd.github.v3+json", "User-Agent": "nuget-gallery-trusted-publishing" },
      // a renamed repository answers 301: its ids would belong to another name than the policy's
      redirect: "manual",
      signal,
    });
    if (res.status !== 200 || !res.body) {
      await res.body?.cancel();
      return null;
    }
    const bytes = await readCapped(res, opts.maxBytes ?? LOOKUP_MAX_BYTES);
    if (bytes === null) return null;
    const json = JSON.parse(Buffer.from(bytes).toString("utf8")) as { id?: unknown; full_name?: unknown; owner?: { id?: unknown } };
    const ownerId = idText(json.owner?.id);
    const repositoryId = idText(json.id);
    // the names must be the policy's (a case difference is fine: GitHub names are case-insensitive)
    if (typeof json.full_name !== "string" || json.full_name.toLowerCase() !== `${owner}/${repository}`.toLowerCase()) return null;
    return ownerId && repositoryId ? { ownerId, repositoryId } : null;
  } catch {
    return null;
  }
}

function idText(v: unknown): string | null {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? String(v) : null;
}
