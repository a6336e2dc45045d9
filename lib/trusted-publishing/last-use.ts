// A policy's last use (beyond nuget.org, which stores LastMatched but never shows it): the run that
// last traded a token, and the package its key last pushed. Stored as JSON in
// TrustedPublishingPolicy.lastUse; the page shows it through readPolicyLastUse.
import { z } from "zod";

export interface PolicyLastUse {
  at: Date;
  /** "owner/repo", from the token */
  repository: string;
  runId: string | null;
  sha: string | null;
  /** the job_workflow_ref */
  workflowRef: string | null;
  /** set once the short-lived key pushed */
  packageId?: string;
  version?: string;
}

const stored = z.object({
  at: z.string(),
  repository: z.string(),
  runId: z.string().nullable(),
  sha: z.string().nullable(),
  workflowRef: z.string().nullable(),
  packageId: z.string().optional(),
  version: z.string().optional(),
});

/** The stored JSON read back; null for none or for anything this module did not write. */
export function readPolicyLastUse(json: string | null | undefined): PolicyLastUse | null {
  if (!json) return null;
  try {
    const parsed = stored.safeParse(JSON.parse(json));
    if (!parsed.success) return null;
    const at = new Date(parsed.data.at);
    if (Number.isNaN(at.getTime())) return null;
    return { ...parsed.data, at };
  } catch {
    return null;
  }
}

const text = (v: unknown, max = 200): string | null => (typeof v === "string" && v !== "" ? v.slice(0, max) : null);

/** The JSON stored on a successful exchange, from the verified token's claims. */
export function lastUseFromClaims(claims: Record<string, unknown>, at: Date): string {
  return JSON.stringify({
    at: at.toISOString(),
    repository: text(claims.repository) ?? "",
    runId: text(claims.run_id, 40),
    sha: text(claims.sha, 64),
    workflowRef: text(claims.job_workflow_ref, 400),
  });
}

/** The stored JSON with the pushed package added; null when there is no exchange to add it to. */
export function withPushedPackage(json: string | null, packageId: string, version: string): string | null {
  const use = readPolicyLastUse(json);
  if (!use) return null;
  return JSON.stringify({ ...use, at: use.at.toISOString(), packageId, version });
}
