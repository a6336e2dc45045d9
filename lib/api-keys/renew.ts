// The expiry notices' one-click renew link (issue 14, beyond nuget.org): /account/apikeys/renew/{keyId}.
// The id in the link grants nothing: the page needs a signed-in user, and only the key's holder
// (the user who made it) may renew it. Renewing is regenerateApiKey with a chosen duration: same
// name, owner, scopes and packages, a new secret shown once, the old one dead at once.
//
//   findRenewableKey(db, userId, keyId, now?) → {ok:true, key} | {ok:false, reason}
//     "notFound": no such key, or another account's key the user has no say over (the page 404s)
//     "notHolder": a key of an organization the user administers, made by someone else
//     "revoked": a revoked key is not renewed (its holder creates a new one)
//     "ownerLost": a key of an organization the holder has left (#5872)
//     An expired key is renewable: that is what the "has expired" notice is for.
//   renewApiKey(db, userId, keyId, expiresInDays, now?) → {ok:true, key, plaintext} | {ok:false, error}
import "server-only";
import type { Db } from "@/lib/create-db";
import { env } from "@/lib/env";
import { actionsAndSubjects } from "./scope-rows";
import { isGlob, type Action } from "./scopes";
import { expiryOptions, MESSAGES } from "./rules";
import { lostOwnerMessage, regenerateApiKey } from "./store";

const KEY_TYPE = "apikey.v4";

export interface RenewableKey {
  id: string;
  name: string;
  ownerUsername: string;
  ownerIsOrganization: boolean;
  actions: Action[];
  packageIds: string[];
  glob: string | null;
  expiresInDays: number;
  expiresAt: Date;
  expired: boolean;
}

export type RenewRefusal = "notFound" | "notHolder" | "revoked" | "ownerLost";

export const RENEW_MESSAGES = {
  notHolder: (creator: string, org: string) =>
    `Only ${creator}, who created this API key, can renew it. As an administrator of ${org} you can revoke it from the organization's API keys page.`,
  revoked: "This API key has been revoked and cannot be renewed. Create a new API key instead.",
  ownerLost: lostOwnerMessage,
  duration: (days: readonly number[]) => `Choose how long the renewed key is valid: ${days.join(", ")} days.`,
} as const;

/** The durations the renew page offers: the create form's Expires In options. */
export function renewDurations(): number[] {
  return expiryOptions(env().API_KEY_EXPIRY_DAYS).days;
}

type Found =
  | { ok: true; key: RenewableKey }
  | { ok: false; reason: "notFound" | "revoked" }
  | { ok: false; reason: "notHolder"; creator: string; owner: string }
  | { ok: false; reason: "ownerLost"; owner: string };

export async function findRenewableKey(db: Db, userId: string, keyId: string, now = new Date()): Promise<Found> {
  const row = await db.apiKey.findFirst({
    where: { id: keyId, type: KEY_TYPE },
    select: {
      id: true,
      name: true,
      userId: true,
      ownerId: true,
      expiresInDays: true,
      expiresAt: true,
      revokedAt: true,
      user: { select: { username: true } },
      owner: { select: { username: true, isOrganization: true } },
      scopes: { select: { action: true, subject: true } },
    },
  });
  if (!row) return { ok: false, reason: "notFound" };
  const membership = row.owner.isOrganization
    ? await db.membership.findFirst({ where: { organizationId: row.ownerId, memberId: userId }, select: { isAdmin: true } })
    : null;
  if (row.userId !== userId) {
    // an administrator sees why (the notice mailed them about it); anyone else learns nothing
    return membership?.isAdmin ? { ok: false, reason: "notHolder", creator: row.user.username, owner: row.owner.username } : { ok: false, reason: "notFound" };
  }
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.ownerId !== userId && !membership) return { ok: false, reason: "ownerLost", owner: row.owner.username };
  const { actions, subjects } = actionsAndSubjects(row.scopes);
  return {
    ok: true,
    key: {
      id: row.id,
      name: row.name,
      ownerUsername: row.owner.username,
      ownerIsOrganization: row.owner.isOrganization,
      actions,
      packageIds: subjects.filter((s) => !isGlob(s)),
      glob: subjects.find(isGlob) ?? null,
      expiresInDays: row.expiresInDays,
      expiresAt: row.expiresAt,
      expired: row.expiresAt.getTime() <= now.getTime(),
    },
  };
}

/** The refusal's sentence, for the page and the action. */
export function refusalText(found: Exclude<Found, { ok: true }>): string {
  switch (found.reason) {
    case "notFound":
      return MESSAGES.keyNotFound;
    case "notHolder":
      return RENEW_MESSAGES.notHolder(found.creator, found.owner);
    case "revoked":
      return RENEW_MESSAGES.revoked;
    case "ownerLost":
      return RENEW_MESSAGES.ownerLost(found.owner);
  }
}

type Renewed = { ok: true; key: { id: string; name: string; expiresAt: Date }; plaintext: string } | { ok: false; error: string };

export async function renewApiKey(db: Db, userId: string, keyId: string, expiresInDays: unknown, now = new Date()): Promise<Renewed> {
  // exactly one of the offered options: no clamping, no default, as a crafted form gets nothing else
  const durations = renewDurations();
  const days = typeof expiresInDays === "number" ? expiresInDays : typeof expiresInDays === "string" && /^\d{1,4}$/.test(expiresInDays) ? Number(expiresInDays) : NaN;
  if (!durations.includes(days)) return { ok: false, error: RENEW_MESSAGES.duration(durations) };
  const found = await findRenewableKey(db, userId, keyId, now);
  if (!found.ok) return { ok: false, error: refusalText(found) };
  // nuget.org refuses a locked account a new secret (regenerateApiKey does too, silently)
  if ((await db.user.findFirst({ where: { id: userId }, select: { locked: true } }))?.locked) return { ok: false, error: MESSAGES.userLocked };
  // revoked or regenerated in between: regenerate re-checks holder, owner and revocation under its lock
  const result = await regenerateApiKey(db, userId, keyId, now, { expiresInDays: days, activeOnly: true });
  if (!result) return { ok: false, error: MESSAGES.keyNotFound };
  return { ok: true, key: { id: result.key.id, name: result.key.name, expiresAt: result.key.expiresAt }, plaintext: result.plaintext };
}
