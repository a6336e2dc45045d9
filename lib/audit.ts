// Audit records: who did what, when, from where. Callers pass only names, ids and scopes,
// never a key value or a password; `details` is stored as JSON text.
import "server-only";
import { headers } from "next/headers";
import type { Db } from "@/lib/create-db";

export interface AuditEntry {
  actorId: string | null;
  action: string;
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

/** The client's address as the proxy in front of us says, else unknown. */
export async function requestIp(): Promise<string | null> {
  try {
    const h = await headers();
    return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || null;
  } catch {
    return null; // outside a request (scripts, tests)
  }
}
