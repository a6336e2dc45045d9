// Revoking keys reported as leaked (GitHub, deps.dev, the public report, a pushed package), a
// whole batch at a time (API keys and one-time verification keys): look-alikes are refused by
// the checksum before any database access, then one lookup for every key of the batch, one
// revoking write, one write of the URLs, one of the audit rows, whatever the batch's size
// (bench/leaks.ts counts them). Only the
// authentication path sets lastUsedAt: a report never touches it.
import "server-only";
import type { Db } from "@/lib/create-db";
import { Prisma } from "@/lib/generated/sqlite/client";
import { hexHashesEqual, parseKey, secretMatches } from "@/lib/api-keys/key-material";
import { parseVerifyKey, VERIFY_KEY_TYPE } from "@/lib/api-keys/verification-keys";
import type { Mail } from "@/lib/mail/mailer";
import { leakMail, queueMails, type LeakSource } from "./mails";

export type { LeakSource } from "./mails";

/** user keys and Trusted Publishing's short-lived ones (spec C3: revoked too, the policy's creator mailed) */
const KEY_TYPES: ReadonlySet<string> = new Set(["apikey.v4", "apikey.v5"]);
const VERIFY_TYPES: ReadonlySet<string> = new Set([VERIFY_KEY_TYPE]);

/** Longer than any key: not parsed at all. */
const MAX_TOKEN_CHARS = 200;

/** Keys per lookup and per write: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 1000;

export interface LeakedToken {
  token: string;
  /** where it was found: a URL, a package file, or null */
  url: string | null;
  /** GitHub's `source` (commit, content…), for the mail */
  sourceDetail?: string | null;
}

/**
 * revoked: a live key, revoked now by this call. dead: one of our keys, already revoked or
 * expired (or revoked by a concurrent report). unknown: well-formed (checksum right; for a
 * verification key, any GUID), but no such key (deleted, or made up). malformed: not one of our
 * keys: no lookup was made.
 */
export type LeakVerdict = "revoked" | "dead" | "unknown" | "malformed";

export interface RevokedKey {
  id: string;
  name: string;
  userId: string;
}

export interface LeakOutcome {
  verdicts: LeakVerdict[];
  revoked: RevokedKey[];
}

interface Row {
  id: string;
  type: string;
  name: string;
  lookupId: string;
  secretHash: string;
  /** the secret a roll replaced, live until previousValidUntil: its leak revokes the key too */
  previousLookupId: string | null;
  previousSecretHash: string | null;
  previousValidUntil: Date | null;
  userId: string;
  ownerId: string;
  revokedAt: Date | null;
  expiresAt: Date;
  user: { username: string; email: string };
  owner: { username: string; isOrganization: boolean };
}

/** What a token would be if it were one of our keys: the row it names, and its secret's check. */
interface Candidate {
  lookupId: string;
  /** the row types the token could be */
  types: ReadonlySet<string>;
  matches: (secretHash: string) => boolean;
}

/**
 * An API key (its checksum checked here), or a one-time verification key: a GUID, with no
 * checksum, so any GUID costs its place in the batch's lookup. Other types are not recognised.
 */
function candidate(token: string): Candidate | null {
  const key = parseKey(token);
  if (key) return { lookupId: key.lookupId, types: KEY_TYPES, matches: (hash) => secretMatches(key, hash) };
  const verify = parseVerifyKey(token);
  return verify && { lookupId: verify.lookupId, types: VERIFY_TYPES, matches: (hash) => hexHashesEqual(verify.secretHash, hash) };
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Every token gets a verdict, in order. A key named twice is revoked once, with the first URL
 * given for it. The mails go out in the background (settleLeakMails waits for them).
 */
export async function revokeLeakedKeys(
  db: Db,
  tokens: readonly LeakedToken[],
  source: LeakSource,
  { origin, now = new Date(), ip = null }: { origin: string; now?: Date; ip?: string | null },
): Promise<LeakOutcome> {
  const parsed = tokens.map((t) => (typeof t.token === "string" && t.token.length <= MAX_TOKEN_CHARS ? candidate(t.token) : null));
  const lookupIds = [...new Set(parsed.flatMap((p) => (p ? [p.lookupId] : [])))];
  const rows = new Map<string, Row>();
  // each id twice in one OR (current or previous), which Prisma does not split for SQLite's
  // 999-parameter limit as it splits a lone IN: a quarter chunk per statement
  for (const ids of chunks(lookupIds, CHUNK / 4)) {
    const found = await db.apiKey.findMany({
      where: { OR: [{ lookupId: { in: ids } }, { previousLookupId: { in: ids } }] },
      select: {
        id: true,
        type: true,
        name: true,
        lookupId: true,
        secretHash: true,
        previousLookupId: true,
        previousSecretHash: true,
        previousValidUntil: true,
        userId: true,
        ownerId: true,
        revokedAt: true,
        expiresAt: true,
        user: { select: { username: true, email: true } },
        owner: { select: { username: true, isOrganization: true } },
      },
    });
    for (const row of found) {
      rows.set(row.lookupId, row);
      if (row.previousLookupId) rows.set(row.previousLookupId, row);
    }
  }

  // which row each token names, if any; the live ones, each once, with its first report
  const matched = parsed.map((p) => {
    if (!p) return null;
    const row = rows.get(p.lookupId);
    if (!row || !p.types.has(row.type)) return null;
    if (row.lookupId === p.lookupId) return p.matches(row.secretHash) ? row : null;
    return row.previousSecretHash && p.matches(row.previousSecretHash) ? row : null;
  });
  // a roll's old secret is ours whenever it matches, but works (and so is live) only in its grace
  const works = (row: Row, i: number) =>
    row.lookupId === parsed[i]!.lookupId || (row.previousValidUntil !== null && row.previousValidUntil.getTime() > now.getTime());
  const live = new Map<string, { row: Row; leak: LeakedToken }>();
  matched.forEach((row, i) => {
    if (row && works(row, i) && !row.revokedAt && row.expiresAt.getTime() > now.getTime() && !live.has(row.id)) live.set(row.id, { row, leak: tokens[i] });
  });

  const revokedIds = new Set<string>();
  if (live.size > 0) {
    await db.$transaction(async (tx) => {
      for (const batch of chunks([...live.values()])) {
        const ids = batch.map((b) => b.row.id);
        // guarded as a user's revoke is: of two concurrent reports of one key, one revokes it
        const done = await tx.apiKey.updateManyAndReturn({
          where: { id: { in: ids }, revokedAt: null, expiresAt: { gt: now } },
          data: { revokedAt: now, expiresAt: now, revocationSource: source },
          select: { id: true },
        });
        for (const { id } of done) revokedIds.add(id);
        const withUrl = batch.filter((b) => revokedIds.has(b.row.id) && b.leak.url);
        if (withUrl.length > 0) {
          // each key its own URL, in one statement
          const cases = Prisma.join(
            withUrl.map((b) => Prisma.sql`WHEN ${b.row.id} THEN ${b.leak.url}`),
            " ",
          );
          await tx.$executeRaw`UPDATE "ApiKey" SET "revocationUrl" = CASE "id" ${cases} END WHERE "id" IN (${Prisma.join(withUrl.map((b) => b.row.id))})`;
        }
      }
      const audited = [...live.values()].filter((b) => revokedIds.has(b.row.id));
      await tx.auditRecord.createMany({
        data: audited.map(({ row, leak }) => ({
          actorId: null,
          action: "RevokeCredential",
          target: row.id,
          details: JSON.stringify({ type: row.type, name: row.name, userId: row.userId, owner: row.owner.username, source, url: leak.url }),
          ip,
        })),
      });
    });
  }

  const revoked = [...live.values()].filter((b) => revokedIds.has(b.row.id));
  if (revoked.length > 0) queueMails(await mailsFor(db, revoked, source, origin));

  const verdicts = parsed.map((p, i): LeakVerdict => {
    if (!p) return "malformed";
    const row = matched[i];
    if (!row) return "unknown";
    return revokedIds.has(row.id) && live.get(row.id)?.leak === tokens[i] ? "revoked" : "dead";
  });
  return { verdicts, revoked: revoked.map(({ row }) => ({ id: row.id, name: row.name, userId: row.userId })) };
}

/** To the holder; for an organization's key, also to each administrator (once per address). */
async function mailsFor(db: Db, revoked: { row: Row; leak: LeakedToken }[], source: LeakSource, origin: string): Promise<Mail[]> {
  const orgIds = [...new Set(revoked.filter((r) => r.row.owner.isOrganization).map((r) => r.row.ownerId))];
  const admins = new Map<string, { email: string; username: string }[]>();
  for (const ids of chunks(orgIds)) {
    const rows = await db.membership.findMany({
      where: { organizationId: { in: ids }, isAdmin: true },
      select: { organizationId: true, member: { select: { email: true, username: true } } },
    });
    for (const r of rows) admins.set(r.organizationId, [...(admins.get(r.organizationId) ?? []), r.member]);
  }
  const mails: Mail[] = [];
  for (const { row, leak } of revoked) {
    const common = { keyName: row.name, source, sourceDetail: leak.sourceDetail ?? null, url: leak.url, origin };
    mails.push(leakMail({ ...common, to: row.user.email, greet: row.user.username }));
    const sent = new Set([row.user.email.toLowerCase()]);
    for (const admin of admins.get(row.ownerId) ?? []) {
      if (sent.has(admin.email.toLowerCase())) continue;
      sent.add(admin.email.toLowerCase());
      mails.push(leakMail({ ...common, to: admin.email, greet: admin.username, organization: { name: row.owner.username, holder: row.user.username } }));
    }
  }
  return mails;
}
