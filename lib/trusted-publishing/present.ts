// How a policy reads on the Manage list (spec A3 "policy-details"): state, status line, scopes,
// subjects, and (beyond nuget.org) its last use. Pure; runs on the server.
import dayjs from "dayjs";
import relativeTime from "dayjs/plugin/relativeTime";
import { ACTION_DESCRIPTIONS, type Action } from "@/lib/api-keys/scopes";
import { isPermanent } from "./criteria";
import type { PolicyView } from "./policies";
import { readPolicyLastUse, type PolicyLastUse } from "./last-use";

dayjs.extend(relativeTime);

const DAY_MS = 86_400_000;

export type PolicyState = "active" | "temporary" | "lapsed" | "owner-invalid";

export interface LastUseText {
  when: string;
  whenIso: string;
  repository: string | null;
  run: { id: string; url: string | null } | null;
  sha: string | null;
  workflowRef: string | null;
  pushed: string | null;
}

/** A policy as the browser gets it: strings only. */
export interface PolicyRowData {
  id: string;
  name: string;
  state: PolicyState;
  /** for "temporary": the days left to validateBy, rounded up */
  daysLeft: number;
  ownerUsername: string;
  scopesText: string;
  subjectsText: string;
  publisher: string;
  repositoryOwner: string;
  repositoryOwnerId: string | null;
  repository: string;
  repositoryId: string | null;
  workflow: string;
  environment: string | null;
  /** the Edit form's starting values */
  actions: string[];
  subjects: string[];
  lastUse: LastUseText | null;
}

export function policyState(p: Pick<PolicyView, "ownerValid" | "criteria">, now: Date): { state: PolicyState; daysLeft: number } {
  if (!p.ownerValid) return { state: "owner-invalid", daysLeft: 0 };
  if (isPermanent(p.criteria)) return { state: "active", daysLeft: 0 };
  const until = p.criteria.validateBy ? Date.parse(p.criteria.validateBy) : NaN;
  const left = Number.isNaN(until) ? 0 : Math.ceil((until - now.getTime()) / DAY_MS);
  return left > 0 ? { state: "temporary", daysLeft: left } : { state: "lapsed", daysLeft: 0 };
}

export function presentPolicy(p: PolicyView, now: Date): PolicyRowData {
  const { state, daysLeft } = policyState(p, now);
  const c = p.criteria;
  return {
    id: p.id,
    name: p.name || `Policy ${p.id}`,
    state,
    daysLeft,
    ownerUsername: p.ownerUsername,
    // a policy without scope rows acts as "all actions on *"
    scopesText: p.actions.length
      ? [...new Set(p.actions.map((a) => ACTION_DESCRIPTIONS[a as Action] ?? a))].sort((a, b) => a.localeCompare(b)).join(", ")
      : "All",
    subjectsText: p.subjects.length ? [...p.subjects].sort((a, b) => a.localeCompare(b)).join(", ") : "*",
    publisher: p.provider,
    repositoryOwner: c.owner,
    repositoryOwnerId: c.ownerId ?? null,
    repository: c.repository,
    repositoryId: c.repositoryId ?? null,
    workflow: c.workflow,
    environment: c.environment ?? null,
    actions: p.actions,
    subjects: p.subjects,
    lastUse: lastUseText(readPolicyLastUse(p.lastUse), now),
  };
}

function lastUseText(u: PolicyLastUse | null, now: Date): LastUseText | null {
  if (!u) return null;
  const repoOk = !!u.repository && /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(u.repository);
  const run = u.runId ? { id: u.runId, url: repoOk && /^\d+$/.test(u.runId) ? `https://github.com/${u.repository}/actions/runs/${u.runId}` : null } : null;
  return {
    when: dayjs(u.at).from(dayjs(now)),
    whenIso: u.at.toISOString(),
    repository: u.repository ?? null,
    run,
    sha: u.sha ? u.sha.slice(0, 12) : null,
    workflowRef: u.workflowRef ?? null,
    pushed: u.packageId ? `${u.packageId}${u.version ? ` ${u.version}` : ""}` : null,
  };
}
