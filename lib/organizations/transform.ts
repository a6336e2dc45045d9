// Transforming a user account into an organization (spec organizations.md §7; nuget.org's
// UsersController.TransformToOrganization* and UserService.*TransformUserToOrganization*):
//
//   transformPreconditions(db, accountId)                   the account's own checks (the page's GET)
//   requestTransform(db, accountId, adminName, origin)       saves the request (replacing an older
//       one, whose admin is told), mails the proposed admin and the requester
//   acceptTransform(db, adminId, account, token, ip)         the proposed admin, with the token
//   rejectTransform(db, adminId, account, token)             the proposed admin declines
//   cancelTransform(db, accountId, token)                    the requester withdraws
//   transformState(db, userId)                               Manage Organizations: own request and rows
//   signInNotice(db, account, sig)                           the sign-in page's message, if genuine
//
// The mailed token is stored only as its SHA-256. Accepting runs in one transaction that first
// locks both accounts' rows, takes the request (a conditional delete: a cancel racing it finds
// nothing, or is found nothing), re-checks every precondition, then transforms.
import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db, DbTransaction } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { hashToken } from "@/lib/accounts/email-tokens";
import { driverReader } from "@/lib/driver-sql";
import { logError } from "@/lib/log";
import { sendMail, type Mail } from "@/lib/mail/mailer";
import * as mails from "./transform-mails";
import { TRANSFORM_MESSAGES as M } from "./transform-rules";

export type TransformRefusal = { ok: false; status: 400 | 403; error: string };
type Result<T> = ({ ok: true } & T) | TransformRefusal;

const refuse = (error: string, status: 400 | 403 = 400): TransformRefusal => ({ ok: false, status, error });
const NOT_AUTHORIZED = refuse("User is not authorized", 403);

/** From the signed-in person's own Manage Organizations page: the session alone proves who they are. */
export const FROM_ACCOUNT_PAGE = Symbol("from Manage Organizations");
type Answer = string | typeof FROM_ACCOUNT_PAGE;

class Refused extends Error {
  constructor(readonly refusal: TransformRefusal) {
    super(refusal.error);
  }
}

const ACCOUNT = { id: true, username: true, email: true, emailConfirmedAt: true, locked: true, isOrganization: true } as const;
type Account = { id: string; username: string; email: string; emailConfirmedAt: Date | null; locked: boolean; isOrganization: boolean };

const cleanName = (v: unknown) => (typeof v === "string" ? v.trim().slice(0, 256) : "");
const cleanToken = (v: Answer): Answer | null => (v === FROM_ACCOUNT_PAGE ? v : typeof v === "string" && v.length > 0 && v.length <= 200 ? v : null);

async function send(list: Mail[]): Promise<void> {
  for (const mail of list) {
    try {
      await sendMail(mail);
    } catch (e) {
      // the change is committed; a mail outage must not turn it into an error
      logError("[transform] mail failed", e);
    }
  }
}

/** The account's own checks, in nuget.org's order (CanTransformUserToOrganization). */
async function accountRefusal(db: Db | DbTransaction, account: Account): Promise<string | null> {
  if (!account.emailConfirmedAt) return M.accountUnconfirmed(account.username);
  if (account.isOrganization) return M.alreadyOrganization(account.username);
  if (account.locked) return M.accountLocked(account.username);
  const [memberships, invitations] = await Promise.all([
    db.membership.count({ where: { memberId: account.id } }),
    db.membershipRequest.count({ where: { newMemberId: account.id } }),
  ]);
  if (memberships + invitations > 0) return M.memberOfOrganizations;
  return null;
}

/** The proposed administrator's checks; `admin` null = no such account. */
function adminRefusal(account: Account, name: string, admin: Account | null): string | null {
  if (!admin) return name.includes("@") ? M.adminByEmail : M.adminUnknown(name);
  if (admin.id === account.id) return M.adminIsSelf(admin.username);
  if (!admin.emailConfirmedAt) return M.adminUnconfirmed(admin.username);
  if (admin.isOrganization) return M.adminIsOrganization(admin.username);
  return null;
}

const findById = (db: Db | DbTransaction, id: string) => db.user.findUnique({ where: { id }, select: ACCOUNT });
const findByName = (db: Db | DbTransaction, name: string) =>
  name && name.length <= 256 ? db.user.findUnique({ where: { usernameKey: name.toLowerCase() }, select: ACCOUNT }) : Promise.resolve(null);

export interface TransformPage {
  username: string;
  email: string;
  /** the account's own refusal, shown before the form is even sent */
  refusal: string | null;
  /** the admin of a pending request */
  pendingAdmin: string | null;
}

/** What /account/transform shows the signed-in person; null if the session's account is gone. */
export async function transformPage(db: Db, accountId: string): Promise<TransformPage | null> {
  const account = await findById(db, accountId);
  if (!account) return null;
  const pending = await db.organizationMigrationRequest.findUnique({ where: { accountId }, select: { adminUser: { select: { username: true } } } });
  return { username: account.username, email: account.email, refusal: await accountRefusal(db, account), pendingAdmin: pending?.adminUser.username ?? null };
}

/**
 * The sign-in page's proof that the request is genuine and current: a hash of the stored token
 * hash, which only the server (and no mail) knows. A link naming another account, or an older
 * request, shows nothing.
 */
function noticeSig(tokenHash: string): string {
  return createHash("sha256").update(`transform-sign-in\n${tokenHash}`).digest("base64url").slice(0, 32);
}

export function signInUrl(account: string, sig: string): string {
  const q = new URLSearchParams({ returnUrl: "/account/Organizations", transform: account, sig });
  return `/users/account/LogOn?${q}`;
}

/** nuget.org's TransformAccount_SignInToConfirm for the sign-in page, when `sig` matches the pending request. */
export async function signInNotice(db: Db, accountName: unknown, sig: unknown): Promise<string | null> {
  const name = cleanName(accountName);
  if (!name || typeof sig !== "string" || sig.length !== 32) return null;
  const request = await db.organizationMigrationRequest.findFirst({
    where: { account: { usernameKey: name.toLowerCase() } },
    select: { tokenHash: true, account: { select: { username: true } }, adminUser: { select: { username: true } } },
  });
  if (!request) return null;
  const expected = Buffer.from(noticeSig(request.tokenHash));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return M.signInAsAdmin(request.adminUser.username, request.account.username);
}

/** nuget.org's TransformToOrganization POST: saves the request and mails both; the caller then signs the requester out. */
export async function requestTransform(
  db: Db,
  accountId: string,
  adminName: string,
  origin: string,
): Promise<Result<{ account: string; admin: string; signInUrl: string; token: string }>> {
  const account = await findById(db, accountId);
  if (!account) return NOT_AUTHORIZED;
  const own = await accountRefusal(db, account);
  if (own) return refuse(own);
  const name = cleanName(adminName);
  const admin = name.includes("@") ? null : await findByName(db, name);
  const bad = adminRefusal(account, name, admin);
  if (bad || !admin) return refuse(bad ?? M.adminUnknown(name));
  const token = randomBytes(16).toString("base64url");
  const tokenHash = hashToken(token);
  const previous = await db.$transaction(async (tx) => {
    const old = await tx.organizationMigrationRequest.findUnique({ where: { accountId }, select: { adminUser: { select: { email: true } } } });
    await tx.organizationMigrationRequest.upsert({
      where: { accountId },
      create: { accountId, adminUserId: admin.id, tokenHash },
      update: { adminUserId: admin.id, tokenHash, requestedAt: new Date() },
    });
    return old;
  });
  const about = { account: account.username, admin: admin.username, origin, token };
  await send([
    // nuget.org tells the replaced request's admin it was cancelled, whoever the new one is
    ...(previous ? [mails.transformCancelledMail(previous.adminUser.email, { account: account.username, by: account.username })] : []),
    mails.transformRequestMail(admin.email, about),
    mails.transformInitiatedMail(account.email, about),
  ]);
  return { ok: true, account: account.username, admin: admin.username, signInUrl: signInUrl(account.username, noticeSig(tokenHash)), token };
}

/** The pending request for `account` naming `adminId`, matched by the token (or by the session alone). */
async function requestFor(db: Db, accountId: string, adminId: string, token: Answer) {
  const where = token === FROM_ACCOUNT_PAGE ? { accountId, adminUserId: adminId } : { accountId, adminUserId: adminId, tokenHash: hashToken(token) };
  return db.organizationMigrationRequest.findFirst({ where, select: { tokenHash: true } });
}

/** Locks both accounts' rows for the rest of the transaction, in id order (two transforms naming each other cannot deadlock). */
async function lockAccounts(db: Db, tx: DbTransaction, ids: string[]): Promise<void> {
  const sorted = [...ids].sort();
  if (driverReader(db).provider === "postgresql") {
    // FOR UPDATE, not a no-op UPDATE: that takes only FOR NO KEY UPDATE, which a concurrent
    // membership insert's foreign-key check (KEY SHARE) does not wait for
    await tx.$queryRawUnsafe(`SELECT id FROM "User" WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, sorted[0], sorted[1]);
  } else {
    // SQLite: any write takes the database's write lock until commit
    await tx.$executeRawUnsafe(`UPDATE "User" SET "locked" = "locked" WHERE id IN (?, ?)`, sorted[0], sorted[1]);
  }
}

/**
 * nuget.org's TransformUserToOrganization (MigrateUserToOrganization.sql), in one transaction:
 * the account becomes an organization with the admin as its only member, an Administrator; it
 * can no longer sign in (password, sessions and sign-in links gone). Its scoped keys move to the
 * admin, still scoped to the account (now the organization). Only keys whose scope owner was the
 * account itself: nuget.org's #5608 re-scoped keys the user had made for another organization
 * to the new one. Those, and unscoped keys, are deleted: an organization holds no credentials,
 * and handing the admin a key for an organization they may not belong to would be worse.
 */
export async function acceptTransform(
  db: Db,
  adminId: string,
  accountName: string,
  token: Answer,
  ip: string | null = null,
): Promise<Result<{ account: string; keysTransferred: number }>> {
  const [admin, account] = await Promise.all([findById(db, adminId), findByName(db, cleanName(accountName))]);
  if (!admin || admin.isOrganization) return NOT_AUTHORIZED;
  const answer = cleanToken(token);
  if (!account) return refuse(M.accountUnknown(cleanName(accountName)));
  const request = answer === null ? null : await requestFor(db, account.id, admin.id, answer);
  if (!request) {
    // nuget.org: the right token in the wrong account's hands says whom to sign in as
    const other = typeof answer === "string" && (await db.organizationMigrationRequest.findFirst({ where: { accountId: account.id, tokenHash: hashToken(answer) }, select: { adminUser: { select: { username: true } } } }));
    return refuse(other ? M.signInAsAdmin(other.adminUser.username, account.username) : M.noRequest(account.username));
  }
  try {
    const keysTransferred = await db.$transaction(async (tx) => {
      await lockAccounts(db, tx, [account.id, admin.id]);
      const taken = await tx.organizationMigrationRequest.deleteMany({ where: { accountId: account.id, adminUserId: admin.id, tokenHash: request.tokenHash } });
      if (taken.count !== 1) throw new Refused(refuse(M.noRequest(account.username)));
      // re-checked now that both rows are held: either may have changed since the request
      const [acct, adm] = await Promise.all([findById(tx, account.id), findById(tx, admin.id)]);
      if (!acct || !adm) throw new Refused(refuse(M.noRequest(account.username)));
      const bad = (await accountRefusal(tx, acct)) ?? adminRefusal(acct, adm.username, adm);
      if (bad) throw new Refused(refuse(bad));

      await tx.user.update({ where: { id: acct.id }, data: { isOrganization: true, passwordHash: null } });
      await tx.session.deleteMany({ where: { userId: acct.id } });
      await tx.oAuthAccount.deleteMany({ where: { userId: acct.id } });
      await tx.emailToken.deleteMany({ where: { userId: acct.id } });
      // requests naming the account as someone else's admin: an organization cannot be one
      await tx.organizationMigrationRequest.deleteMany({ where: { adminUserId: acct.id } });
      await tx.membership.create({ data: { organizationId: acct.id, memberId: adm.id, isAdmin: true } });
      const moved = await tx.apiKey.updateMany({ where: { userId: acct.id, ownerId: acct.id, scopes: { some: {} } }, data: { userId: adm.id } });
      const dropped = await tx.apiKey.deleteMany({ where: { userId: acct.id } });
      await writeAudit(tx, {
        actorId: adm.id,
        action: "TransformOrganization",
        target: acct.username,
        details: { admin: adm.username, keysTransferred: moved.count, keysDeleted: dropped.count },
        ip,
      });
      return moved.count;
    });
    await send([account.email, admin.email].map((to) => mails.transformAcceptedMail(to, { account: account.username, admin: admin.username })));
    return { ok: true, account: account.username, keysTransferred };
  } catch (e) {
    if (e instanceof Refused) return e.refusal;
    throw e;
  }
}

/** nuget.org's RejectTransformUserToOrganizationRequest: the proposed admin declines; the requester is told. */
export async function rejectTransform(db: Db, adminId: string, accountName: string, token: Answer): Promise<Result<{ account: string }>> {
  const [admin, account] = await Promise.all([findById(db, adminId), findByName(db, cleanName(accountName))]);
  if (!admin || admin.isOrganization) return NOT_AUTHORIZED;
  if (!account) return refuse(M.accountUnknown(cleanName(accountName)));
  const answer = cleanToken(token);
  const where =
    answer === FROM_ACCOUNT_PAGE ? { accountId: account.id, adminUserId: admin.id } : { accountId: account.id, adminUserId: admin.id, tokenHash: hashToken(answer ?? "") };
  // one conditional delete: an accept racing it takes the request first, or finds nothing
  const gone = answer === null ? { count: 0 } : await db.organizationMigrationRequest.deleteMany({ where });
  if (gone.count !== 1) return refuse(M.noRequest(account.username));
  await send([mails.transformCancelledMail(account.email, { account: account.username, by: admin.username })]);
  return { ok: true, account: account.username };
}

/** nuget.org's CancelTransformUserToOrganizationRequest: the requester withdraws; the admin is told. */
export async function cancelTransform(db: Db, accountId: string, token: Answer): Promise<Result<{ message: string }>> {
  const account = await findById(db, accountId);
  if (!account || account.isOrganization) return NOT_AUTHORIZED;
  const answer = cleanToken(token);
  if (answer === null) return refuse(M.noRequestToCancel);
  // the request found and taken together: an accept racing it either took it first (nothing
  // here to delete) or finds nothing to take
  const request = await db.$transaction(async (tx) => {
    const found = await tx.organizationMigrationRequest.findFirst({
      where: answer === FROM_ACCOUNT_PAGE ? { accountId } : { accountId, tokenHash: hashToken(answer) },
      select: { tokenHash: true, adminUser: { select: { username: true, email: true } } },
    });
    const gone = found && (await tx.organizationMigrationRequest.deleteMany({ where: { accountId, tokenHash: found.tokenHash } }));
    return gone?.count === 1 ? found : null;
  });
  if (!request) return refuse(M.noRequestToCancel);
  await send([mails.transformCancelledMail(request.adminUser.email, { account: account.username, by: account.username })]);
  return { ok: true, message: M.cancelled };
}

export interface TransformRow {
  username: string;
  packages: number;
}

export interface TransformState {
  /** the signed-in person's own pending request: its admin */
  ownAdmin: string | null;
  /** requests naming the signed-in person as admin (Manage Organizations' pending rows) */
  asAdmin: TransformRow[];
}

export async function transformState(db: Db, userId: string): Promise<TransformState> {
  const [own, asAdmin] = await Promise.all([
    db.organizationMigrationRequest.findUnique({ where: { accountId: userId }, select: { adminUser: { select: { username: true } } } }),
    db.organizationMigrationRequest.findMany({
      where: { adminUserId: userId },
      orderBy: [{ requestedAt: "asc" }, { accountId: "asc" }],
      select: { account: { select: { username: true, _count: { select: { packages: true } } } } },
    }),
  ]);
  return { ownAdmin: own?.adminUser.username ?? null, asAdmin: asAdmin.map((r) => ({ username: r.account.username, packages: r.account._count.packages })) };
}
