// Policy matching of the exchange (spec A6 step 2, nuget.org's GitHubTokenPolicyValidator): one
// GitHub policy against a verified token's claims. Pure. Until the token has proven which
// repository it comes from (names and ids), a mismatch discloses nothing to the caller.
import { isPermanent, type GitHubCriteria } from "./criteria";

export const MATCH_MESSAGES = {
  missingClaim: (c: string) => `The JSON Web Token is missing the required claim '${c}'.`,
  expired: (name: string) => `The policy '${name}' has expired. Sign in and renew the trust policy on the Trusted Publishing page.`,
  bannedEvent: (e: string) => `The GitHub Actions event '${e}' is not allowed.`,
  workflowPrefix: (v: string, prefix: string) => `Claim 'job_workflow_ref' has value '${v}' which does not start with ${prefix}.`,
  workflowMismatch: (name: string, expected: string, actual: string) => `Workflow mismatch for policy '${name}': expected '${expected}', actual '${actual}'`,
  environmentMismatch: (name: string, expected: string, actual: string) =>
    `Environment mismatch for policy '${name}': expected '${expected}', actual '${actual}'`,
  concurrentBind: (expected: string, actual: string) =>
    `The policy was updated with different repository owner/repo IDs during concurrent first use. Expected ${expected}, actual ${actual}`,
} as const;

const REQUIRED_CLAIMS = ["repository", "repository_owner", "repository_owner_id", "repository_id", "event_name"] as const;

export type MatchResult =
  /** `bind`: a temporary policy's first use, the ids to store */
  | { matched: true; bind: { ownerId: string; repositoryId: string } | null }
  /** `disclosable`: the reason the caller may see; null = say nothing */
  | { matched: false; disclosable: string | null };

const claim = (claims: Record<string, unknown>, name: string): string | null => {
  const v = claims[name];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : null;
};

const sameText = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** TP_BANNED_EVENTS: semicolon-separated event names, compared ignoring case. */
export function bannedEvents(setting: string): Set<string> {
  return new Set(
    setting
      .split(";")
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  );
}

export function matchPolicy(
  policy: { name: string; criteria: GitHubCriteria },
  claims: Record<string, unknown>,
  opts: { banned: Set<string>; now: Date },
): MatchResult {
  const c = policy.criteria;
  const missing = REQUIRED_CLAIMS.find((name) => !claim(claims, name)?.trim());
  if (missing) return { matched: false, disclosable: MATCH_MESSAGES.missingClaim(missing) };
  const owner = claim(claims, "repository_owner")!;
  const repository = claim(claims, "repository")!;
  const ownerId = claim(claims, "repository_owner_id")!;
  const repositoryId = claim(claims, "repository_id")!;
  const event = claim(claims, "event_name")!;

  if (!sameText(owner, c.owner) || !sameText(repository, `${c.owner}/${c.repository}`)) return { matched: false, disclosable: null };
  let bind: { ownerId: string; repositoryId: string } | null = null;
  if (isPermanent(c)) {
    // ordinal: the ids defeat a deleted and re-created repository of the same name
    if (ownerId !== c.ownerId || repositoryId !== c.repositoryId) return { matched: false, disclosable: null };
  } else {
    const validateBy = c.validateBy ? Date.parse(c.validateBy) : NaN;
    if (!(opts.now.getTime() <= validateBy)) return { matched: false, disclosable: MATCH_MESSAGES.expired(policy.name) };
    bind = { ownerId, repositoryId };
  }

  // from here the caller has proven which repository it is: reasons are disclosed
  if (opts.banned.has(event.toLowerCase())) return { matched: false, disclosable: MATCH_MESSAGES.bannedEvent(event) };

  const prefix = `${c.owner}/${c.repository}/.github/workflows/`;
  const ref = claim(claims, "job_workflow_ref");
  if (!ref) return { matched: false, disclosable: MATCH_MESSAGES.missingClaim("job_workflow_ref") };
  const at = ref.indexOf("@", prefix.length);
  if (!ref.toLowerCase().startsWith(prefix.toLowerCase()) || at === -1) {
    return { matched: false, disclosable: MATCH_MESSAGES.workflowPrefix(ref, prefix) };
  }
  const file = ref.slice(prefix.length, at);
  if (!sameText(file, c.workflow)) return { matched: false, disclosable: MATCH_MESSAGES.workflowMismatch(policy.name, c.workflow, file) };

  if (c.environment) {
    const environment = claim(claims, "environment") ?? "";
    if (!sameText(environment, c.environment)) {
      return { matched: false, disclosable: MATCH_MESSAGES.environmentMismatch(policy.name, c.environment, environment) };
    }
  }
  return { matched: true, bind };
}

/** Disclosable reasons of every policy, each ended with ".", joined (nuget.org's wording). */
export function joinReasons(reasons: readonly string[]): string {
  return reasons.map((r) => (r.endsWith(".") ? r : `${r}.`)).join(" ");
}
