// A key's recorded uses as the API Keys page shows them: plain words for the action and the
// check that refused it, the time in UTC. Pure.
import type { ActivityEntry } from "./store";

export interface ActivityView {
  atIso: string;
  atText: string;
  action: string;
  /** "Id 1.0.0", the id alone, or "" */
  package: string;
  result: "Allowed" | "Refused";
  status: number | null;
  /** why it was refused, in words; "" when allowed */
  failedCheck: string;
  clientAddress: string;
  userAgent: string;
  /** "previous secret" during a roll's grace, else "" */
  secret: string;
}

const ACTIONS: Record<string, string> = {
  push: "Push",
  unlist: "Unlist",
  relist: "Relist",
  "create-verification-key": "Create verification key",
  verify: "Verify ownership",
  introspect: "Describe key (GET /api/v2/key)",
  revoke: "Revoke key (DELETE /api/v2/key)",
};

/** The refusal reasons of lib/api-keys/refusals.ts and key-checks.ts, and the push's own. */
const CHECKS: Record<string, string> = {
  expired: "Expired",
  revoked: "Revoked",
  "owner-mismatch": "Owner: the key's user no longer acts for its owner",
  action: "Scope: the key lacks this action",
  subject: "Package: not among the key's packages or glob pattern",
  "new-id-needs-push": "Scope: a new package id needs 'Push new packages'",
  "not-owner": "Owner: does not own the package",
  "owner-unconfirmed": "Owner: unconfirmed",
  "owner-locked": "Owner: locked",
  "gone-during-upload": "Revoked, deleted or expired during the upload",
  "version-exists": "Version already exists",
  "reserved-prefix": "Reserved ID prefix",
  leak: "The package contains a live API key",
  "verification-key": "A verification key cannot do this",
  address: "Address: outside the key's allowed ranges",
  "invalid-request": "Invalid request or package",
  "package-missing": "Package or version not found",
  "upload-too-slow": "Upload too slow",
  "too-large": "Package too large",
  conflict: "Conflict",
  unavailable: "Database unavailable",
  error: "Server error",
};

const pad = (n: number) => String(n).padStart(2, "0");

function utc(at: Date): string {
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} UTC`;
}

export function checkLabel(check: string): string {
  return CHECKS[check] ?? check;
}

export function presentActivity(entry: ActivityEntry): ActivityView {
  return {
    atIso: entry.at.toISOString(),
    atText: utc(entry.at),
    action: ACTIONS[entry.action] ?? entry.action,
    package: [entry.packageId, entry.version].filter(Boolean).join(" "),
    result: entry.result === "allowed" ? "Allowed" : "Refused",
    status: entry.status,
    failedCheck: entry.failedCheck ? checkLabel(entry.failedCheck) : "",
    clientAddress: entry.clientAddress ?? "",
    userAgent: entry.userAgent ?? "",
    secret: entry.secret === "previous" ? "previous secret" : "",
  };
}
