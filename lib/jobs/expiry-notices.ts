// The expiry-notice job (beyond nuget.org's Gallery.CredentialExpiration, spec organizations.md
// §8 and §16, NuGetGallery#8019): for every non-revoked key a notice 14, 7 and 1 day(s) before
// it expires, and one once it has expired. Recipients: the creator, always (nuget.org asks their
// "contact me" setting first), and for a key acting for an organization every Administrator of
// it, whatever their setting.
//
// Exactly once across instances: a notice is first claimed by inserting its KeyNotice row
// (key, kind), whose primary key lets one insert win; the mails go out; then sentAt is set. A
// run that died between the claim and sentAt (or whose mail server failed) leaves a claim with
// no sentAt: once it is RETRY_AFTER old, the next run takes it over, with an UPDATE that only
// one run can win, and sends it again. Keys are read a page at a time.
import type { Db } from "@/lib/create-db";
import { sendMail, type Mail } from "@/lib/mail/mailer";
import { logError } from "@/lib/log";
import { expiryNoticeMail, renewPath, RECENT_PUSH_DAYS, type NoticeKey, type NoticeKind } from "@/lib/api-keys/notice-mails";
import { actionsAndSubjects } from "@/lib/api-keys/scope-rows";

const DAY = 86_400_000;
const KEY_TYPE = "apikey.v4";

/**
 * Each notice's window: expiresAt in (now + after, now + upTo]. The "expired" one looks back a
 * week only, so a first run (or one after a long outage) does not mail about long-dead keys.
 */
const WINDOWS: readonly { kind: NoticeKind; after: number; upTo: number }[] = [
  { kind: "14d", after: 7 * DAY, upTo: 14 * DAY },
  { kind: "7d", after: 1 * DAY, upTo: 7 * DAY },
  { kind: "1d", after: 0, upTo: 1 * DAY },
  { kind: "expired", after: -7 * DAY, upTo: 0 },
];

/** The notice a key is due now, if any. */
export function noticeDue(expiresAt: Date, now: Date): NoticeKind | null {
  const left = expiresAt.getTime() - now.getTime();
  return WINDOWS.find((w) => left > w.after && left <= w.upTo)?.kind ?? null;
}

export interface ExpiryNoticeOptions {
  /** the public origin for the mails' links (APP_URL) */
  origin: string;
  now?: Date;
  /** keys read per query */
  pageSize?: number;
  /** an unsent claim older than this is taken over and sent again (default 15 minutes) */
  retryAfterMs?: number;
  /** how a mail goes out (default: the app's mailer) */
  send?: (mail: Mail) => Promise<void>;
}

export interface ExpiryNoticeResult {
  /** notices sent (each to every recipient) */
  sent: number;
  /** of which taken over from a run that did not finish */
  resumed: number;
  /** claimed but not sent (a mail failed): retried by a later run */
  failed: number;
}

/** "the packages it pushed recently": the last RECENT_PUSHES versions within RECENT_PUSH_DAYS. */
export const RECENT_PUSHES = 5;

const noticeSelect = (now: Date) => ({
  id: true,
  name: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  scopes: { select: { action: true, subject: true } },
  user: { select: { username: true, email: true } },
  owner: {
    select: {
      username: true,
      isOrganization: true,
      members: { where: { isAdmin: true, member: { isOrganization: false } }, select: { member: { select: { username: true, email: true } } } },
    },
  },
  pushes: {
    where: { pushedAt: { gt: new Date(now.getTime() - RECENT_PUSH_DAYS * DAY) } },
    orderBy: [{ pushedAt: "desc" as const }, { id: "desc" as const }],
    take: RECENT_PUSHES,
    select: { version: true, pushedAt: true, registration: { select: { packageId: true } } },
  },
});

interface NoticeRow {
  id: string;
  name: string;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  scopes: { action: string; subject: string }[];
  user: { username: string; email: string };
  owner: { username: string; isOrganization: boolean; members: { member: { username: string; email: string } }[] };
  pushes: { version: string; pushedAt: Date; registration: { packageId: string } }[];
}

function noticeKey(row: NoticeRow): NoticeKey {
  return {
    name: row.name,
    ownerUsername: row.owner.username,
    ownerIsOrganization: row.owner.isOrganization,
    creatorUsername: row.user.username,
    ...actionsAndSubjects(row.scopes),
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    recentPushes: row.pushes.map((p) => ({ packageId: p.registration.packageId, version: p.version, pushedAt: p.pushedAt })),
  };
}

/**
 * The creator always; for an organization's key, each Administrator too (one mail per address).
 * Only the creator gets the renew link: only they may renew (lib/api-keys/renew.ts).
 */
function mailsFor(row: NoticeRow, kind: NoticeKind, origin: string, now: Date): Mail[] {
  const key = noticeKey(row);
  const people = [row.user, ...(row.owner.isOrganization ? row.owner.members.map((m) => m.member) : [])];
  const seen = new Set<string>();
  return people
    .filter((p) => !seen.has(p.email.toLowerCase()) && seen.add(p.email.toLowerCase()))
    .map((p) => {
      const holder = p.username === row.user.username;
      const links = holder
        ? { manage: `${origin}/account/apikeys`, renew: `${origin}${renewPath(row.id)}` }
        : { manage: `${origin}/organization/${encodeURIComponent(row.owner.username)}/apikeys` };
      return expiryNoticeMail(p, key, kind, links, now);
    });
}

const isClaimTaken = (e: unknown) => ["P2002", "P2003", "P2025"].includes((e as { code?: unknown })?.code as string);

/** Inserts the claim; false when another run has it (or the key is gone). */
async function claim(db: Db, apiKeyId: string, kind: NoticeKind, now: Date): Promise<boolean> {
  try {
    await db.keyNotice.create({ data: { apiKeyId, kind, claimedAt: now } });
    return true;
  } catch (e) {
    if (isClaimTaken(e)) return false;
    throw e;
  }
}

/** Sends, then marks the claim sent. A failed mail leaves it unsent, for a later run to retry. */
async function deliver(db: Db, row: NoticeRow, kind: NoticeKind, opts: Required<Pick<ExpiryNoticeOptions, "origin" | "send">>, now: Date): Promise<boolean> {
  try {
    for (const mail of mailsFor(row, kind, opts.origin, now)) await opts.send(mail);
  } catch (e) {
    logError(`[jobs] expiry notice ${kind} for API key ${row.id} not sent; a later run retries it`, e);
    return false;
  }
  await db.keyNotice.updateMany({ where: { apiKeyId: row.id, kind, sentAt: null }, data: { sentAt: now } });
  return true;
}

export async function runExpiryNotices(db: Db, options: ExpiryNoticeOptions): Promise<ExpiryNoticeResult> {
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? 200;
  const retryAfterMs = Math.max(1000, options.retryAfterMs ?? 15 * 60_000);
  const opts = { origin: options.origin, send: options.send ?? sendMail };
  const result: ExpiryNoticeResult = { sent: 0, resumed: 0, failed: 0 };
  const count = (ok: boolean) => (ok ? result.sent++ : result.failed++);

  // 1. claims a run left unsent. Each one leaves this set whatever happens to it (taken over:
  // claimedAt is now; obsolete: deleted; another run took it: its claimedAt is new), so the
  // same query is read again until it is empty.
  const staleBefore = new Date(now.getTime() - retryAfterMs);
  for (;;) {
    const stale = await db.keyNotice.findMany({
      where: { sentAt: null, claimedAt: { lt: staleBefore } },
      orderBy: [{ claimedAt: "asc" }, { apiKeyId: "asc" }],
      take: pageSize,
      select: { apiKeyId: true, kind: true, apiKey: { select: noticeSelect(now) } },
    });
    if (stale.length === 0) break;
    for (const s of stale) {
      const kind = s.kind as NoticeKind;
      const where = { apiKeyId: s.apiKeyId, kind, sentAt: null, claimedAt: { lt: staleBefore } };
      // revoked since, or its window has passed: that notice is no longer due, and never will be
      if (s.apiKey.revokedAt || noticeDue(s.apiKey.expiresAt, now) !== kind) {
        await db.keyNotice.deleteMany({ where });
        continue;
      }
      const { count: taken } = await db.keyNotice.updateMany({ where, data: { claimedAt: now } });
      if (taken !== 1) continue;
      const ok = await deliver(db, s.apiKey, kind, opts, now);
      count(ok);
      if (ok) result.resumed++;
    }
  }

  // 2. every key due a notice it has not had: a page at a time, by id
  for (const w of WINDOWS) {
    let cursor: string | null = null;
    for (;;) {
      const rows: NoticeRow[] = await db.apiKey.findMany({
        where: {
          type: KEY_TYPE,
          revokedAt: null,
          expiresAt: { gt: new Date(now.getTime() + w.after), lte: new Date(now.getTime() + w.upTo) },
          notices: { none: { kind: w.kind } },
          ...(cursor ? { id: { gt: cursor } } : {}),
        },
        orderBy: { id: "asc" },
        take: pageSize,
        select: noticeSelect(now),
      });
      for (const row of rows) {
        if (await claim(db, row.id, w.kind, now)) count(await deliver(db, row, w.kind, opts, now));
      }
      if (rows.length < pageSize) break;
      cursor = rows[rows.length - 1].id;
    }
  }
  return result;
}
