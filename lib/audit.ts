// Audit records: who did what, when, from where. Written only by the data layer (lib/), by the
// function that makes the change, in its transaction where it has one. Callers pass only names,
// ids and scopes, never a key value or a password; `details` is stored as JSON text.
import "server-only";
import type { Db } from "@/lib/create-db";

/**
 * nuget.org's names (AuditedUserAction, CredentialAuditRecord, PackageAuditRecord), so a record
 * reads the same as theirs; ChangePassword is ours (nuget.org replaces the password credential).
 */
export type AuditAction =
  | "Register"
  | "Login"
  | "FailedLoginInvalidPassword"
  | "FailedLoginNoSuchUser"
  | "ChangePassword"
  | "SignOutOtherSessions"
  | "AddCredential"
  | "EditCredential"
  | "RevokeCredential"
  | "RemoveCredential"
  // ours (issue 14): a roll with an overlap, and its early end
  | "RollCredential"
  | "EndCredentialOverlap"
  | "PackagePushAttemptByNonOwner"
  | "AddOrganization"
  | "AddOrganizationMember"
  | "UpdateOrganizationMember"
  | "RemoveOrganizationMember"
  | "TransformOrganization"
  | "DeleteAccount"
  // nuget.org's ReservedNamespaceAuditRecord actions (its AddOwner/RemoveOwner, named apart from a package's)
  | "ReserveNamespace"
  | "UnreserveNamespace"
  | "AddReservedNamespaceOwner"
  | "RemoveReservedNamespaceOwner"
  | "AddOwner"
  | "RemoveOwner"
  // Trusted Publishing's token exchange (spec A8): nuget.org's FederatedCredentialPolicyAuditRecord
  // actions and its ExternalSecurityTokenAuditRecord (Validated / Rejected, with the claims)
  | "ComparePolicy"
  | "FirstUsePolicyUpdate"
  | "ExchangeForApiKey"
  | "RejectReplay"
  | "ExternalTokenValidated"
  | "ExternalTokenRejected"
  // Trusted Publishing policies from the page (nuget.org's FederatedCredentialPolicyAuditRecord
  // Create/Update/Delete/BadRequest/Unauthorized; Update and Delete list the deleted short-lived keys)
  | "PolicyCreate"
  | "PolicyUpdate"
  | "PolicyDelete"
  | "PolicyBadRequest"
  | "PolicyUnauthorized";

export interface AuditEntry {
  actorId: string | null;
  action: AuditAction;
  target?: string;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/** Prisma client or the transaction client handed to $transaction callbacks. */
type AuditWriter = Pick<Db, "auditRecord">;

export async function writeAudit(tx: AuditWriter, entry: AuditEntry): Promise<void> {
  await tx.auditRecord.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
      ip: entry.ip ?? null,
    },
  });
}

/** Several records in one statement (the token exchange writes one per policy compared). */
export async function writeAudits(tx: AuditWriter, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await auditBatch(tx, entries);
}

/** writeAudits' statement, unsent: for a batch $transaction([...]). */
export function auditBatch(tx: AuditWriter, entries: readonly AuditEntry[]) {
  return tx.auditRecord.createMany({
    data: entries.map((entry) => ({
      actorId: entry.actorId,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
      ip: entry.ip ?? null,
    })),
  });
}
