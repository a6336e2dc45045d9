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
  | "PackagePushAttemptByNonOwner";

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

/**
 * The client address from the request headers: the right-most X-Forwarded-For entry (the one
 * the nearest proxy added), else X-Real-IP. The production server (server/main.ts) sets the
 * header from the socket unless TRUST_PROXY=1 says a reverse proxy sets it; under `next dev`
 * a client can still choose its own address here.
 */
export function clientIp(headers: Pick<Headers, "get"> | null | undefined): string | null {
  const xff = headers?.get("x-forwarded-for");
  const last = xff?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  const ip = last || headers?.get("x-real-ip")?.trim() || null;
  return ip ? ip.slice(0, 64) : null;
}
