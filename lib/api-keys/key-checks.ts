// What an authenticated key may do (nuget.org's ApiScopeEvaluator), after the lookup: the action
// filter, the per-package subject, the owner's state and the expiry warning. Pure: no database.
import type { AuthenticatedKey } from "./authenticate";
import { ACTIONS, subjectAllows, type Action } from "./scopes";
import { VERIFY_KEY_TYPE } from "./verification-keys";

/** What an endpoint does, as nuget.org's ApiScopeRequired attributes and scope evaluation see it. */
export type Operation = "push" | "unlist" | "create-verification-key" | "verify";

/** Actions a key needs at least one of to call the endpoint at all (the action filter). */
export const ENDPOINT_ACTIONS: Record<Operation, readonly Action[]> = {
  push: [ACTIONS.push, ACTIONS.pushVersion],
  unlist: [ACTIONS.unlist],
  "create-verification-key": [ACTIONS.push, ACTIONS.pushVersion],
  verify: [ACTIONS.verify, ACTIONS.push, ACTIONS.pushVersion],
};

function allows(scopeAction: string, actions: readonly string[]): boolean {
  const a = scopeAction.toLowerCase();
  // nuget.org: an "all" or empty action (legacy full-access keys) allows everything
  return a === "" || a === "all" || actions.includes(a);
}

export type ScopeFailure = "action" | "subject" | "new-id-needs-push";

/** Action filter: does any scope allow one of the endpoint's actions? */
export function checkAction(key: AuthenticatedKey, op: Operation): ScopeFailure | null {
  return key.scopes.some((s) => allows(s.action, ENDPOINT_ACTIONS[op])) ? null : "action";
}

/** The actions that count for this package: a new id needs push; an existing id takes push or pushversion. */
function packageActions(key: AuthenticatedKey, op: Operation, idExists: boolean): readonly Action[] {
  switch (op) {
    case "push":
      return idExists ? [ACTIONS.push, ACTIONS.pushVersion] : [ACTIONS.push];
    case "unlist":
      return [ACTIONS.unlist];
    case "verify":
      return key.type === VERIFY_KEY_TYPE ? [ACTIONS.verify] : [ACTIONS.push, ACTIONS.pushVersion];
    case "create-verification-key":
      return [ACTIONS.push, ACTIONS.pushVersion];
  }
}

/** Per-package check: a scope whose subject matches the id and whose action counts. */
export function checkSubject(key: AuthenticatedKey, op: Operation, packageId: string, idExists: boolean): ScopeFailure | null {
  const actions = packageActions(key, op, idExists);
  const matching = key.scopes.filter((s) => subjectAllows(s.subject, packageId));
  if (matching.some((s) => allows(s.action, actions))) return null;
  if (op === "push" && !idExists && matching.some((s) => allows(s.action, [ACTIONS.pushVersion]))) {
    return "new-id-needs-push";
  }
  return matching.length === 0 ? "subject" : "action";
}

/** The owner's state, checked after ownership: nuget.org's two specific 403 texts. */
export function checkOwnerState(key: AuthenticatedKey): "owner-unconfirmed" | "owner-locked" | null {
  if (!key.ownerConfirmed) return "owner-unconfirmed";
  if (key.ownerLocked) return "owner-locked";
  return null;
}

export const EXPIRY_WARNING_DAYS = 10;

/** Whole days left when the key expires within 10 days (nuget.org's warning window), else null. */
export function daysUntilExpiry(key: AuthenticatedKey, now = new Date()): number | null {
  const days = (key.expiresAt.getTime() - now.getTime()) / 86_400_000;
  return days <= EXPIRY_WARNING_DAYS ? Math.max(1, Math.ceil(days)) : null;
}
