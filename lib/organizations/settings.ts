// An organization's own settings (nuget.org's AccountsController for organizations; spec
// organizations.md §5): its address and the confirmation of it, a pending change of address,
// and its two mail settings. Reading is for any member; every change is for its administrators
// (ManageAccount), re-checked here: anyone else gets 403 "User is not authorized".
//
// Confirmation links carry a token of their own purpose (only its SHA-256 stored, single use,
// 24 hours), bound to the organization, so the account confirmation route cannot spend it.
// As nuget.org, confirming needs a signed-in administrator of the organization; the GET of the
// mailed link confirms, the same as this app's account confirmation link.
import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db, DbTransaction } from "@/lib/create-db";
import { hashToken, TOKEN_TTL_MS } from "@/lib/accounts/email-tokens";
import { uniqueViolationField } from "@/lib/accounts/registration";
import { EMAIL_MAX } from "@/lib/accounts/rules";
import { EMAIL_MESSAGE } from "@/lib/accounts/validation";
import { sendMail, type Mail } from "@/lib/mail/mailer";
import { logError } from "@/lib/log";
import { newOrganizationMail } from "./mails";
import { ORG_MESSAGES } from "./rules";
import { emailChangeConfirmationMail, emailChangedNoticeMail, organizationConfirmationUrl } from "./settings-mails";

const PURPOSE = "confirm-organization-email";
const RESEND_COOLDOWN_MS = 60_000;

export const SETTINGS_MESSAGES = {
  emailInUse: (email: string) => `The email address '${email}' is being used.`,
  emailChanged:
    "Your email address has been changed! We sent a confirmation email to verify your new email. When you confirm the new email address, it will take effect and we will forget the old one.",
  emailChangeCancelled: "You canceled your organization's email address change request.",
  preferencesUpdated: "Your organization's email preferences have been updated.",
  tooSoon: "A confirmation mail was sent less than a minute ago. Please check your inbox, or try again in a minute.",
} as const;

export type SettingsRefusal = { ok: false; status: 400 | 403; error: string; field?: "newEmail" };
const NOT_AUTHORIZED: SettingsRefusal = { ok: false, status: 403, error: ORG_MESSAGES.notAuthorized };

interface OrgRow {
  id: string;
  username: string;
  email: string;
  emailConfirmedAt: Date | null;
  pendingEmail: string | null;
  emailAllowed: boolean;
  notifyPackagePushed: boolean;
}

async function findOrg(db: Db | DbTransaction, name: unknown): Promise<OrgRow | null> {
  if (typeof name !== "string" || name.length > 200) return null;
  return db.user.findFirst({
    where: { usernameKey: name.trim().toLowerCase(), isOrganization: true, deletedAt: null },
    select: { id: true, username: true, email: true, emailConfirmedAt: true, pendingEmail: true, emailAllowed: true, notifyPackagePushed: true },
  });
}

/** The viewer's role: "admin", "collaborator", or null (not a member, or not a person). */
async function roleOf(db: Db | DbTransaction, orgId: string, userId: string): Promise<"admin" | "collaborator" | null> {
  const m = await db.membership.findFirst({ where: { organizationId: orgId, memberId: userId, member: { isOrganization: false } }, select: { isAdmin: true } });
  return m ? (m.isAdmin ? "admin" : "collaborator") : null;
}

/** The organization, when `userId` administers it (nuget.org's ManageAccount). */
async function administered(db: Db, userId: string, name: unknown): Promise<OrgRow | null> {
  const org = await findOrg(db, name);
  return org && (await roleOf(db, org.id, userId)) === "admin" ? org : null;
}

async function send(list: Mail[]): Promise<void> {
  for (const mail of list) {
    try {
      await sendMail(mail);
    } catch (e) {
      logError("[organizations] mail failed", e);
    }
  }
}

/** A new confirmation token for the organization; its earlier unused ones stop working. */
export async function issueOrganizationToken(db: Db, orgId: string, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.$transaction([
    db.emailToken.updateMany({ where: { userId: orgId, purpose: PURPOSE, usedAt: null }, data: { usedAt: now } }),
    db.emailToken.create({ data: { userId: orgId, purpose: PURPOSE, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + TOKEN_TTL_MS), createdAt: now } }),
  ]);
  return token;
}

/** Mails the link that confirms the organization's address: the new-organization mail, or the change mail to the pending address. */
export async function mailOrganizationConfirmation(db: Db, org: { id: string; username: string; email: string; pendingEmail: string | null }, origin: string): Promise<void> {
  const token = await issueOrganizationToken(db, org.id);
  const url = organizationConfirmationUrl(origin, org.username, token);
  await send([org.pendingEmail ? emailChangeConfirmationMail(org.pendingEmail, { org: org.username, url }) : newOrganizationMail(org.email, url)]);
}

export interface OrganizationSettings {
  username: string;
  /** the confirmed address, or the only (unconfirmed) one of a new organization */
  email: string;
  pendingEmail: string | null;
  confirmed: boolean;
  emailAllowed: boolean;
  notifyPackagePushed: boolean;
  isAdmin: boolean;
}

/** The settings sections of /organization/{name}, for a member (either role); null for anyone else. */
export async function organizationSettings(db: Db, userId: string, name: unknown): Promise<OrganizationSettings | null> {
  const org = await findOrg(db, name);
  const role = org && (await roleOf(db, org.id, userId));
  if (!org || !role) return null;
  return {
    username: org.username,
    email: org.email,
    pendingEmail: org.pendingEmail,
    confirmed: org.emailConfirmedAt !== null,
    emailAllowed: org.emailAllowed,
    notifyPackagePushed: org.notifyPackagePushed,
    isAdmin: role === "admin",
  };
}

export type ConfirmationPage =
  | { status: "not-authorized" }
  | { status: "already-confirmed"; org: string; email: string }
  | { status: "unconfirmed"; org: string; address: string; newOrganization: boolean };

/** GET /organization/{name}/ConfirmationRequired: administrators only (nuget.org answers 403 otherwise). */
export async function confirmationState(db: Db, userId: string, name: unknown): Promise<ConfirmationPage> {
  const org = await administered(db, userId, name);
  if (!org) return { status: "not-authorized" };
  if (org.emailConfirmedAt && !org.pendingEmail) return { status: "already-confirmed", org: org.username, email: org.email };
  return { status: "unconfirmed", org: org.username, address: org.pendingEmail ?? org.email, newOrganization: !org.emailConfirmedAt };
}

/** POST /organization/{name}/ConfirmationRequired: mails the link again (at most once a minute). */
export async function resendOrganizationConfirmation(
  db: Db,
  userId: string,
  name: unknown,
  origin: string,
  now = new Date(),
): Promise<{ ok: true; sent: boolean } | SettingsRefusal> {
  const org = await administered(db, userId, name);
  if (!org) return NOT_AUTHORIZED;
  if (org.emailConfirmedAt && !org.pendingEmail) return { ok: true, sent: false };
  const recent = await db.emailToken.findFirst({ where: { userId: org.id, purpose: PURPOSE, createdAt: { gt: new Date(now.getTime() - RESEND_COOLDOWN_MS) } }, select: { id: true } });
  if (recent) return { ok: false, status: 400, error: SETTINGS_MESSAGES.tooSoon };
  await mailOrganizationConfirmation(db, org, origin);
  return { ok: true, sent: true };
}

export type ConfirmResult =
  | { status: "confirmed"; org: string; newOrganization: boolean }
  | { status: "wrong-user"; org: string }
  | { status: "already-confirmed"; org: string; email: string }
  | { status: "duplicate"; org: string }
  | { status: "invalid"; org: string };

/**
 * GET /organization/{name}/Confirm?token=…: nuget.org's Confirm. The signed-in person must
 * administer the organization. Confirms a new organization's address, or swaps in a pending
 * one (its old address is told); the token is spent in the same transaction as the change.
 */
export async function confirmOrganizationEmail(db: Db, userId: string, name: unknown, token: unknown, now = new Date()): Promise<ConfirmResult> {
  const label = typeof name === "string" ? name.slice(0, 200) : "";
  const org = await administered(db, userId, name);
  if (!org) return { status: "wrong-user", org: label };
  if (org.emailConfirmedAt && !org.pendingEmail) return { status: "already-confirmed", org: org.username, email: org.email };
  const invalid = { status: "invalid", org: org.username } as const;
  if (typeof token !== "string" || token.length < 20 || token.length > 200) return invalid;
  const row = await db.emailToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, userId: true, purpose: true, usedAt: true, expiresAt: true } });
  if (!row || row.userId !== org.id || row.purpose !== PURPOSE || row.usedAt || row.expiresAt <= now) return invalid;
  try {
    const outcome = await db.$transaction(async (tx) => {
      // single use even when two requests race: only the update that flips usedAt wins
      const claimed = await tx.emailToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
      if (claimed.count !== 1) return null;
      const current = await tx.user.findUniqueOrThrow({ where: { id: org.id }, select: { email: true, pendingEmail: true, emailConfirmedAt: true } });
      if (current.pendingEmail) {
        await tx.user.update({ where: { id: org.id }, data: { email: current.pendingEmail, pendingEmail: null, emailConfirmedAt: current.emailConfirmedAt ?? now } });
        return { oldEmail: current.email, newEmail: current.pendingEmail, newOrganization: false };
      }
      await tx.user.update({ where: { id: org.id }, data: { emailConfirmedAt: current.emailConfirmedAt ?? now } });
      return { oldEmail: null, newEmail: current.email, newOrganization: true };
    });
    if (!outcome) return invalid;
    if (outcome.oldEmail) await send([emailChangedNoticeMail(outcome.oldEmail, { org: org.username, oldEmail: outcome.oldEmail, newEmail: outcome.newEmail })]);
    return { status: "confirmed", org: org.username, newOrganization: outcome.newOrganization };
  } catch (e) {
    // another account took the pending address meanwhile (nuget.org's DuplicateEmailAddress)
    if (uniqueViolationField(e) === "email") return { status: "duplicate", org: org.username };
    throw e;
  }
}

const newEmailSchema = z
  .string()
  .trim()
  .min(1, "The New Email Address field is required.")
  .max(EMAIL_MAX, `The field New Email Address must be a string with a maximum length of ${EMAIL_MAX}.`)
  .pipe(z.email(EMAIL_MESSAGE))
  .transform((e) => e.toLowerCase());

/**
 * POST /organization/{name}/ChangeEmail. The same address as the last one saved changes nothing.
 * A confirmed organization keeps its address until the new one is confirmed (pendingEmail);
 * a new, unconfirmed organization's address is replaced. Either way the new address is mailed.
 */
export async function changeOrganizationEmail(
  db: Db,
  userId: string,
  name: unknown,
  newEmail: unknown,
  origin: string,
): Promise<{ ok: true; changed: boolean; message?: string } | SettingsRefusal> {
  const org = await administered(db, userId, name);
  if (!org) return NOT_AUTHORIZED;
  const parsed = newEmailSchema.safeParse(typeof newEmail === "string" ? newEmail : "");
  if (!parsed.success) return { ok: false, status: 400, error: parsed.error.issues[0].message, field: "newEmail" };
  const email = parsed.data;
  if (email === (org.pendingEmail ?? org.email).toLowerCase()) return { ok: true, changed: false };
  const inUse = { ok: false, status: 400, error: SETTINGS_MESSAGES.emailInUse(email), field: "newEmail" } as const;
  if (email !== org.email.toLowerCase() && (await db.user.count({ where: { email, id: { not: org.id } } })) > 0) return inUse;
  let updated: OrgRow;
  try {
    updated = await db.user.update({
      where: { id: org.id },
      // back to the confirmed address = the change is called off
      data: org.emailConfirmedAt ? { pendingEmail: email === org.email.toLowerCase() ? null : email } : { email },
      select: { id: true, username: true, email: true, emailConfirmedAt: true, pendingEmail: true, emailAllowed: true, notifyPackagePushed: true },
    });
  } catch (e) {
    if (uniqueViolationField(e) === "email") return inUse;
    throw e;
  }
  if (updated.emailConfirmedAt && !updated.pendingEmail) {
    await db.emailToken.updateMany({ where: { userId: org.id, purpose: PURPOSE, usedAt: null }, data: { usedAt: new Date() } });
    return { ok: true, changed: true };
  }
  await mailOrganizationConfirmation(db, updated, origin);
  return { ok: true, changed: true, message: updated.emailConfirmedAt ? SETTINGS_MESSAGES.emailChanged : undefined };
}

/** POST /organization/{name}/CancelChangeEmail: "Reset to Confirmed Email Address". */
export async function cancelOrganizationEmailChange(db: Db, userId: string, name: unknown): Promise<{ ok: true; changed: boolean } | SettingsRefusal> {
  const org = await administered(db, userId, name);
  if (!org) return NOT_AUTHORIZED;
  if (!org.pendingEmail) return { ok: true, changed: false };
  await db.$transaction([
    db.user.update({ where: { id: org.id }, data: { pendingEmail: null } }),
    db.emailToken.updateMany({ where: { userId: org.id, purpose: PURPOSE, usedAt: null }, data: { usedAt: new Date() } }),
  ]);
  return { ok: true, changed: true };
}

/** POST /organization/{name}/ChangeEmailSubscription: the two checkboxes. */
export async function changeOrganizationNotifications(
  db: Db,
  userId: string,
  name: unknown,
  settings: { emailAllowed: boolean; notifyPackagePushed: boolean },
): Promise<{ ok: true } | SettingsRefusal> {
  const org = await administered(db, userId, name);
  if (!org) return NOT_AUTHORIZED;
  await db.user.update({ where: { id: org.id }, data: { emailAllowed: settings.emailAllowed === true, notifyPackagePushed: settings.notifyPackagePushed === true } });
  return { ok: true };
}
