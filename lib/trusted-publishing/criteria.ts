// A GitHub Actions policy's criteria (nuget.org's GitHubCriteria JSON, spec A2): short keys,
// empty optional values left out. Shared by the page (create/edit/activate) and the token exchange.
import { z } from "zod";

export interface GitHubCriteria {
  /** repository owner name, e.g. "contoso" */
  owner: string;
  /** GitHub's numeric id of the owner, as a string; with repositoryId, the policy is permanent */
  ownerId?: string;
  /** the repository name only, e.g. "contoso-sdk" */
  repository: string;
  repositoryId?: string;
  /** the workflow file name only, e.g. "release.yml" */
  workflow: string;
  environment?: string;
  /** ISO date-time, only while the policy is temporary (no ids yet) */
  validateBy?: string;
}

const stored = z.object({
  owner: z.string(),
  ownerId: z.string().optional(),
  repository: z.string(),
  repositoryId: z.string().optional(),
  workflow: z.string(),
  environment: z.string().optional(),
  validateBy: z.string().optional(),
});

/** Reads a policy's stored criteria; throws on a row that is not what this module wrote. */
export function parseCriteria(json: string): GitHubCriteria {
  return stored.parse(JSON.parse(json));
}

/** The stored JSON, without empty optional values. */
export function serializeCriteria(c: GitHubCriteria): string {
  const out: Record<string, string> = { owner: c.owner };
  if (c.ownerId) out.ownerId = c.ownerId;
  out.repository = c.repository;
  if (c.repositoryId) out.repositoryId = c.repositoryId;
  out.workflow = c.workflow;
  if (c.environment) out.environment = c.environment;
  if (c.validateBy) out.validateBy = c.validateBy;
  return JSON.stringify(out);
}

/** Permanent iff both GitHub ids are bound (spec A2/A4). */
export function isPermanent(c: GitHubCriteria): boolean {
  return Boolean(c.ownerId && c.repositoryId);
}

/** A temporary policy's window: 7 days from `now`, truncated to the hour (spec A3). */
export const TEMPORARY_POLICY_DAYS = 7;
export function validateByFrom(now: Date): string {
  const t = new Date(now.getTime() + TEMPORARY_POLICY_DAYS * 86_400_000);
  t.setUTCMinutes(0, 0, 0);
  return t.toISOString();
}
