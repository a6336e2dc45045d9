// The secret-scanning partner endpoint (GitHub's partner program; deps.dev's variant): a signed
// JSON array of matches in, each live key revoked, one feedback label per match out. The raw
// body is verified before it is parsed (the signature is over the exact bytes). GitHub gives a
// partner that answers with feedback 30 seconds: the whole batch costs a few database round
// trips (revoke.ts), and the mails go out afterwards.
import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "@/lib/create-db";
import { signatureMatches, type KeyList } from "./key-list";
import { revokeLeakedKeys, type LeakVerdict } from "./revoke";

export type Partner = "github" | "depsdev";

/** The header pairs each partner may sign with (spec C1, C5): names are case-insensitive. */
const HEADERS: Record<Partner, [id: string, signature: string][]> = {
  github: [["github-public-key-identifier", "github-public-key-signature"]],
  // RubyGems reads DepsDev-…, PyPI GOSST-…: which one deps.dev sends today is not documented
  depsdev: [
    ["depsdev-public-key-identifier", "depsdev-public-key-signature"],
    ["gosst-public-key-identifier", "gosst-public-key-signature"],
  ],
};

/** A 1 MB body holds about 10,000 real matches; more elements than this is not a report. */
export const MAX_MATCHES = 10_000;
export const MAX_DISCLOSURE_BYTES = 1024 * 1024;
const MAX_FIELD_CHARS = 4096;

export interface PartnerAnswer {
  status: number;
  body: unknown;
}

interface Match {
  token: string;
  type: string | null;
  url: string | null;
  source: string | null;
}

const refuse = (status: number, message: string): PartnerAnswer => ({ status, body: { error: message } });

function readMatches(body: Uint8Array): Match[] | string {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch {
    return "The body is not JSON.";
  }
  if (!Array.isArray(doc)) return "The body must be a JSON array of matches.";
  if (doc.length > MAX_MATCHES) return `At most ${MAX_MATCHES} matches per request.`;
  const matches: Match[] = [];
  for (const item of doc as unknown[]) {
    if (!item || typeof item !== "object" || Array.isArray(item)) return "Each match must be an object.";
    const { token, type, url, source } = item as Record<string, unknown>;
    if (typeof token !== "string") return "Each match must have a string token.";
    const text = (v: unknown) => (typeof v === "string" && v.length <= MAX_FIELD_CHARS ? v : null);
    matches.push({ token, type: text(type), url: text(url) || null, source: text(source) });
  }
  return matches;
}

function header(headers: Pick<Headers, "get">, name: string): string | null {
  const value = headers.get(name);
  return value && value.trim() ? value.trim() : null;
}

/** A URL worth keeping: http(s) only (it is shown as a link on the key's row). */
function foundAt(url: string | null): string | null {
  if (!url) return null;
  try {
    return ["http:", "https:"].includes(new URL(url).protocol) ? url : null;
  } catch {
    return null;
  }
}

export async function receiveDisclosure(
  db: Db,
  partner: Partner,
  request: { headers: Pick<Headers, "get">; body: Uint8Array; origin: string; ip?: string | null },
  keys: KeyList,
  now = new Date(),
): Promise<PartnerAnswer> {
  const pair = HEADERS[partner].find(([id, sig]) => header(request.headers, id) && header(request.headers, sig));
  if (!pair) return refuse(400, `Missing signature headers: ${HEADERS[partner].map((p) => p.map((h) => h.toUpperCase()).join(" and ")).join(", or ")}.`);
  const keyId = header(request.headers, pair[0])!;
  const found = await keys.find(keyId);
  if (!found.ok) {
    if (found.why === "unavailable") return refuse(503, "The signing keys could not be fetched. Try again later.");
    return refuse(401, found.why === "not-current" ? `Key id ${keyId.slice(0, 100)} is not a current key.` : "Unknown signing key id.");
  }
  if (!signatureMatches(found.key, request.body, header(request.headers, pair[1])!)) return refuse(401, "Invalid signature.");

  const matches = readMatches(request.body);
  if (typeof matches === "string") return refuse(400, matches);

  const outcome = await revokeLeakedKeys(
    db,
    matches.map((m) => ({ token: m.token, url: foundAt(m.url), sourceDetail: m.source })),
    partner === "github" ? "GitHub" : "deps.dev",
    { origin: request.origin, now, ip: request.ip ?? null },
  );
  return { status: 200, body: matches.map((m, i) => feedback(partner, m, outcome.verdicts[i])) };
}

/** An already-revoked (or expired) key of ours is a true positive too (crates.io). */
function label(verdict: LeakVerdict): "true_positive" | "false_positive" {
  return verdict === "revoked" || verdict === "dead" ? "true_positive" : "false_positive";
}

function feedback(partner: Partner, m: Match, verdict: LeakVerdict) {
  // GitHub: the token's SHA-256 rather than the token itself, so a live secret is not echoed back
  if (partner === "github") return { token_hash: createHash("sha256").update(m.token).digest("hex"), token_type: m.type ?? "", label: label(verdict) };
  return { token_raw: m.token, label: label(verdict) };
}
