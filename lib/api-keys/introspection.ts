// A key describing and revoking itself, for CI scripts (GET and DELETE /api/v2/key, beyond
// nuget.org: issue 14 item 3). The caller is whoever presents the key, already checked by
// authenticate(): these functions take the key's own id and user id, and act on nothing else.
//
//   describeKey(db, key) → KeyDescription | null
//     What the key is: names, scopes, packages, glob, dates, address limits and a roll's
//     overlap (its end and the old secret's last use, never a secret). A read only: no last-used write
//     (asking about a key is not using it). Never the secret hash or the lookup id.
//   selfRevokeKey(db, key, {ip?, now?}) → {name, revokedAt} | null
//     Only while the key is still active (the UPDATE's own condition, so of concurrent revokes one
//     wins): revokedAt = expiresAt = now, revocationSource "User" (the page reads it as revoked by
//     its creator); RevokeCredential audit with via "api"; the "API Key '{name}' Revoked" mail,
//     saying it came through the API.
import "server-only";
import type { Db } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { sendMail, subject } from "@/lib/mail/mailer";
import { logError } from "@/lib/log";
import { actionsAndSubjects } from "./scope-rows";
import { isGlob, type Action } from "./scopes";
import { rangesOf } from "./address-limits";

/** Only full API keys describe or revoke themselves: a verification key is single-purpose. */
const KEY_TYPE = "apikey.v4";
export const SELF_REVOCATION_SOURCE = "User";

/** The JSON GET /api/v2/key answers; dates as ISO 8601 UTC. */
export interface KeyDescription {
  name: string;
  /** the account the key belongs to */
  user: string;
  /** the scope owner: the user, or an organization the user is a member of */
  owner: string;
  /** action ids (package:push, package:pushversion, package:unlist) */
  scopes: Action[];
  /** exact package ids, A–Z */
  packages: string[];
  /** the glob pattern, if the key has one */
  glob: string | null;
  created: string;
  expires: string;
  lastUsed: string | null;
  /** the CIDR ranges the key may be used from; [] = anywhere */
  allowedCidrs: string[];
  /** a roll's overlap while it runs: until when the previous secret works, its last use, and which secret asked */
  overlap: { previousValidUntil: string; previousLastUsed: string | null; presented: "current" | "previous" } | null;
}

interface KeyRef {
  id: string;
  userId: string;
  /** which secret was presented (authenticate); current when not said */
  secret?: "current" | "previous";
}

const describeSelect = {
  name: true,
  user: { select: { username: true } },
  owner: { select: { username: true } },
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  allowedCidrs: true,
  previousValidUntil: true,
  previousLastUsedAt: true,
  scopes: { select: { action: true, subject: true } },
} as const;

export async function describeKey(db: Db, key: KeyRef, now = new Date()): Promise<KeyDescription | null> {
  const row = await db.apiKey.findFirst({ where: { id: key.id, userId: key.userId, type: KEY_TYPE }, select: describeSelect });
  if (!row) return null;
  const { actions, subjects } = actionsAndSubjects(row.scopes);
  return {
    name: row.name,
    user: row.user.username,
    owner: row.owner.username,
    scopes: actions,
    packages: subjects.filter((s) => !isGlob(s)),
    glob: subjects.find(isGlob) ?? null,
    created: row.createdAt.toISOString(),
    expires: row.expiresAt.toISOString(),
    lastUsed: row.lastUsedAt?.toISOString() ?? null,
    allowedCidrs: rangesOf(row.allowedCidrs),
    overlap:
      row.previousValidUntil && now.getTime() < row.previousValidUntil.getTime()
        ? {
            previousValidUntil: row.previousValidUntil.toISOString(),
            previousLastUsed: row.previousLastUsedAt?.toISOString() ?? null,
            presented: key.secret ?? "current",
          }
        : null,
  };
}

export async function selfRevokeKey(
  db: Db,
  key: KeyRef,
  opts: { ip?: string | null; now?: Date } = {},
): Promise<{ name: string; revokedAt: Date } | null> {
  const now = opts.now ?? new Date();
  const ip = opts.ip ?? null;
  const revoked = await db.$transaction(async (tx) => {
    // nuget.org revokes only an active key, and revoking sets the expiry to now
    const { count } = await tx.apiKey.updateMany({
      where: { id: key.id, userId: key.userId, type: KEY_TYPE, revokedAt: null, expiresAt: { gt: now } },
      data: { revokedAt: now, expiresAt: now, revocationSource: SELF_REVOCATION_SOURCE },
    });
    if (count !== 1) return null;
    const row = await tx.apiKey.findUniqueOrThrow({
      where: { id: key.id },
      select: { ...describeSelect, type: true, user: { select: { username: true, email: true } } },
    });
    const { actions, subjects } = actionsAndSubjects(row.scopes);
    // CredentialAuditRecord's fields, as the page's revoke writes them; never the value
    await writeAudit(tx, {
      actorId: key.userId,
      action: "RevokeCredential",
      target: key.id,
      details: {
        type: row.type,
        name: row.name,
        created: row.createdAt.toISOString(),
        expires: row.expiresAt.toISOString(),
        lastUsed: row.lastUsedAt?.toISOString() ?? null,
        revocationSource: SELF_REVOCATION_SOURCE,
        owner: row.owner.username,
        actions,
        subjects,
        source: SELF_REVOCATION_SOURCE,
        via: "api",
      },
      ip,
    });
    return { name: row.name, email: row.user.email };
  });
  if (!revoked) return null;
  try {
    await sendMail({
      to: revoked.email,
      subject: subject(`API Key '${revoked.name}' Revoked`),
      text:
        `Your API Key '${revoked.name}' has been revoked. ` +
        // the one who revoked it held the key: if that was not you, the key had leaked
        `It was revoked through the API (DELETE /api/v2/key) by a request that presented the key itself${ip ? `, from ${ip}` : ""}. ` +
        "If you did not request this change, please reply to this email to contact support.",
    });
  } catch (e) {
    // the revoke is committed; a mail outage must not turn it into an error
    logError("[api-keys] self-revoke mail failed", e);
  }
  return { name: revoked.name, revokedAt: now };
}
