// The security overview at the top of the API Keys page (issue 14 item 6), beyond nuget.org:
// the user's active keys that were never used, are idle for 90+ days, expire within 14 days, or
// are wider than their use (a glob matching N owned ids of which M were pushed in 90 days; the
// "push new" scope on a used key that never pushed a new package id).
//
//   keyOverview(db, keys, now?) → Overview
//     `keys` is listApiKeys' answer (the page has it already). A bounded number of queries,
//     whatever the number of keys: one grouping of the keys' pushes by (key, package), one read
//     of those packages' ids and first pushes, and one list of owned ids per owner whose keys
//     hold a glob (the user and their organizations). No per-key query.
//   revokeAllApiKeys(db, userId, now?) → number of keys revoked
//     Every active key of the user in one transaction, a RevokeCredential audit per key, one mail.
import "server-only";
import type { Db } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { requestIp } from "@/lib/request-context";
import { sendMail, subject } from "@/lib/mail/mailer";
import { logError } from "@/lib/log";
import { ACTIONS, isGlob, lowerGlobMatcher, type Action } from "./scopes";
import { listOwnedPackageIds } from "./store";

const DAY_MS = 24 * 60 * 60 * 1000;
export const IDLE_DAYS = 90;
export const EXPIRING_DAYS = 14;
export const USE_WINDOW_DAYS = 90;
const KEY_TYPE = "apikey.v4";

export interface OverviewKey {
  id: string;
  name: string;
  ownerId: string;
  ownerUsername: string;
  actions: Action[];
  subjects: string[];
  expiresAt: Date;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** a rolled key's replaced secret: its use counts as the key's */
  previousLastUsedAt?: Date | null;
}

interface KeyRef {
  id: string;
  name: string;
}

export interface WiderThanUse extends KeyRef {
  glob: string;
  /** owned ids the key's subjects cover */
  matching: number;
  /** of those, ids the key pushed in the last 90 days: the suggested exact subjects, A–Z */
  pushed: string[];
}

export interface Overview {
  neverUsed: KeyRef[];
  idle: (KeyRef & { lastUsedAt: Date })[];
  expiringSoon: (KeyRef & { expiresAt: Date })[];
  widerThanUse: WiderThanUse[];
  /** used keys allowing "push new packages" that never pushed a new package id */
  pushNewUnused: KeyRef[];
  /** active keys: what "Revoke all my keys" would revoke */
  active: number;
}

export function isEmptyOverview(o: Overview): boolean {
  return o.neverUsed.length + o.idle.length + o.expiringSoon.length + o.widerThanUse.length + o.pushNewUnused.length === 0;
}

const isActive = (k: OverviewKey, now: Date) => !k.revokedAt && k.expiresAt.getTime() > now.getTime();

/** The key's last use by either of its secrets (a roll starts the new secret unused). */
function lastUse(k: OverviewKey): Date | null {
  const a = k.lastUsedAt, b = k.previousLastUsedAt ?? null;
  return a && b ? (a > b ? a : b) : (a ?? b);
}

export async function keyOverview(db: Db, keys: readonly OverviewKey[], now = new Date()): Promise<Overview> {
  const active = keys.filter((k) => isActive(k, now)).map((k) => ({ ...k, lastUsedAt: lastUse(k) }));
  const idleSince = now.getTime() - IDLE_DAYS * DAY_MS;
  const useSince = now.getTime() - USE_WINDOW_DAYS * DAY_MS;
  const expiringBy = now.getTime() + EXPIRING_DAYS * DAY_MS;
  const ref = (k: OverviewKey): KeyRef => ({ id: k.id, name: k.name });

  const overview: Overview = {
    neverUsed: active.filter((k) => !k.lastUsedAt).map(ref),
    idle: active
      .filter((k) => k.lastUsedAt && k.lastUsedAt.getTime() <= idleSince)
      .map((k) => ({ ...ref(k), lastUsedAt: k.lastUsedAt! })),
    expiringSoon: active.filter((k) => k.expiresAt.getTime() <= expiringBy).map((k) => ({ ...ref(k), expiresAt: k.expiresAt })),
    widerThanUse: [],
    pushNewUnused: [],
    active: active.length,
  };

  // only used keys can be "wider than their use"; a never-used key is reported as such
  const used = active.filter((k) => k.lastUsedAt);
  if (used.length === 0) return overview;

  // 1. every push of these keys, grouped by (key, package): first and last push of each pair
  const pairs = await db.packageVersion.groupBy({
    by: ["pushedByKeyId", "registrationId"],
    where: { pushedByKeyId: { in: used.map((k) => k.id) } },
    _min: { pushedAt: true },
    _max: { pushedAt: true },
  });
  // 2. those packages' ids and their first push (whoever made it)
  const registrationIds = [...new Set(pairs.map((p) => p.registrationId))];
  const [registrations, firsts] = registrationIds.length
    ? await Promise.all([
        db.packageRegistration.findMany({ where: { id: { in: registrationIds } }, select: { id: true, packageId: true } }),
        db.packageVersion.groupBy({ by: ["registrationId"], where: { registrationId: { in: registrationIds } }, _min: { pushedAt: true } }),
      ])
    : [[], []];
  const packageIdOf = new Map(registrations.map((r) => [r.id, r.packageId]));
  const firstPushOf = new Map(firsts.map((f) => [f.registrationId, f._min.pushedAt?.getTime()]));

  const pushedRecently = new Map<string, string[]>();
  const pushedNew = new Set<string>();
  for (const p of pairs) {
    const keyId = p.pushedByKeyId!;
    if ((p._max.pushedAt?.getTime() ?? 0) >= useSince) {
      const id = packageIdOf.get(p.registrationId);
      if (id) pushedRecently.set(keyId, [...(pushedRecently.get(keyId) ?? []), id]);
    }
    // the key pushed the package's first version: it used "push new"
    if (p._min.pushedAt && p._min.pushedAt.getTime() === firstPushOf.get(p.registrationId)) pushedNew.add(keyId);
  }

  // 3. one list of owned ids per owner whose used keys hold a glob, lower-cased once; each
  // distinct (owner, glob) is counted once over it, however many keys share the glob
  const globbed = used.filter((k) => k.subjects.some(isGlob));
  const ownerIds = [...new Set(globbed.map((k) => k.ownerId))];
  const owned = new Map(
    await Promise.all(ownerIds.map(async (o) => [o, (await listOwnedPackageIds(db, o)).map((id) => id.toLowerCase())] as const)),
  );
  const globCounts = new Map<string, number>();
  for (const k of globbed) {
    const ids = owned.get(k.ownerId) ?? [];
    const glob = k.subjects.find(isGlob)!.toLowerCase();
    const match = lowerGlobMatcher(glob);
    const countKey = `${k.ownerId}\n${glob}`;
    let count = globCounts.get(countKey);
    if (count === undefined) {
      count = 0;
      for (const id of ids) if (match(id)) count++;
      globCounts.set(countKey, count);
    }
    // exact ids beside the glob (the store keeps only owned ones the glob does not match)
    const exact = new Set(k.subjects.filter((s) => !isGlob(s)).map((s) => s.toLowerCase()).filter((s) => !match(s)));
    const matching = count + exact.size;
    const pushed = [...new Set(pushedRecently.get(k.id) ?? [])].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    if (pushed.length > 0 && pushed.length < matching) {
      overview.widerThanUse.push({ ...ref(k), glob: k.subjects.find(isGlob)!, matching, pushed });
    }
  }

  overview.pushNewUnused = used.filter((k) => k.actions.includes(ACTIONS.push) && !pushedNew.has(k.id)).map(ref);
  return overview;
}

/** The suggested exact subjects for a key reported as wider than its use, or null. */
export function narrowingFor(overview: Overview, keyId: string): string[] | null {
  return overview.widerThanUse.find((w) => w.id === keyId)?.pushed ?? null;
}

export async function revokeAllApiKeys(db: Db, userId: string, now = new Date()): Promise<number> {
  const ip = await requestIp();
  const revoked = await db.$transaction(async (tx) => {
    const where = { userId, type: KEY_TYPE, revokedAt: null, expiresAt: { gt: now } };
    // a no-op write first (as store.ts): SQLite's write lock before any read, row locks on PostgreSQL
    await tx.apiKey.updateMany({ where, data: { type: KEY_TYPE } });
    const keys = await tx.apiKey.findMany({ where, select: { id: true, name: true, owner: { select: { username: true } } } });
    if (keys.length === 0) return [];
    // the same rows only: a key made meanwhile is not revoked without having been listed
    await tx.apiKey.updateMany({
      where: { ...where, id: { in: keys.map((k) => k.id) } },
      data: { revokedAt: now, expiresAt: now, revocationSource: "User" },
    });
    for (const k of keys) {
      await writeAudit(tx, {
        actorId: userId,
        action: "RevokeCredential",
        target: k.id,
        details: { type: KEY_TYPE, name: k.name, owner: k.owner.username, source: "User", revokeAll: true },
        ip,
      });
    }
    return keys;
  });
  if (revoked.length > 0) {
    try {
      const to = (await db.user.findUnique({ where: { id: userId }, select: { email: true } }))?.email;
      const names = revoked.map((k) => `'${k.name}'`).join(", ");
      if (to) {
        await sendMail({
          to,
          subject: subject("All your API keys were revoked"),
          text: `Your API keys ${names} have been revoked. If you did not request this change, please reply to this email to contact support.`,
        });
      }
    } catch (e) {
      logError("[api-keys] mail failed", e);
    }
  }
  return revoked.length;
}

/**
 * The push-new narrowing: the key's "push new packages and package versions" scope becomes
 * "push only new package versions" (same subjects); EditCredential audit; no mail (as Edit).
 * Null for a key that is not the user's, not active, or has no push-new scope.
 */
export async function dropPushNew(db: Db, userId: string, keyId: string, now = new Date()): Promise<{ id: string; actions: string[] } | null> {
  const ip = await requestIp();
  return db.$transaction(async (tx) => {
    const where = { id: keyId, userId, type: KEY_TYPE, revokedAt: null, expiresAt: { gt: now } };
    // a write first (see store.ts): locks the row before it is read
    const { count } = await tx.apiKey.updateMany({ where, data: { type: KEY_TYPE } });
    const key = count === 1 ? await tx.apiKey.findFirst({ where, select: { name: true, scopes: { select: { action: true, subject: true } } } }) : null;
    if (!key || !key.scopes.some((s) => s.action === ACTIONS.push)) return null;
    const before = [...new Set(key.scopes.map((s) => s.action))];
    const versionOnly = new Set(key.scopes.filter((s) => s.action === ACTIONS.pushVersion).map((s) => s.subject));
    const add = [...new Set(key.scopes.filter((s) => s.action === ACTIONS.push && !versionOnly.has(s.subject)).map((s) => s.subject))];
    await tx.apiKeyScope.deleteMany({ where: { apiKeyId: keyId, action: ACTIONS.push } });
    await tx.apiKeyScope.createMany({ data: add.map((subject) => ({ apiKeyId: keyId, action: ACTIONS.pushVersion, subject })) });
    const after = [...new Set([...before.filter((a) => a !== ACTIONS.push), ACTIONS.pushVersion])];
    await writeAudit(tx, {
      actorId: userId,
      action: "EditCredential",
      target: keyId,
      details: { type: KEY_TYPE, name: key.name, previousActions: before, actions: after },
      ip,
    });
    return { id: keyId, actions: after };
  });
}
