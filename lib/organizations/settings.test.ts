import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachDb } from "@/tests/databases";
import { joinOrganization as join, makeOrganization as makeOrg, TEST_ORIGIN as ORIGIN } from "@/tests/organizations";
import type { Db } from "@/lib/create-db";
import { confirmEmail } from "@/lib/accounts/email-tokens";
import { changeNotificationSettings, notificationSettings } from "@/lib/accounts/notifications";
import {
  cancelOrganizationEmailChange,
  changeOrganizationEmail,
  changeOrganizationNotifications,
  confirmationState,
  confirmOrganizationEmail,
  organizationSettings,
  resendOrganizationConfirmation,
  SETTINGS_MESSAGES,
} from "./settings";
import { parseEnv } from "@/lib/env";
import { acceptInvitation, cancelInvitation, changeRole, declineInvitation, FROM_ACCOUNT_PAGE, invitationExpired, inviteMember, listOrganizationRows, removeMember, resendInvitation, viewOrganization } from "./store";

const mailDir = mkdtempSync(path.join(tmpdir(), "org-settings-mail-"));
process.env.MAIL_DIR = mailDir;
delete process.env.SMTP_URL;

function mailsTo(email: string): string[] {
  return readdirSync(mailDir)
    .map((f) => readFileSync(path.join(mailDir, f), "utf8"))
    .map((m) => m.replace(/\r?\n /g, " ").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))))
    .filter((m) => m.includes(`To: ${email}`));
}

/** The token of the newest organization confirmation link mailed to `email`. */
function confirmToken(email: string, org: string): string {
  const links = mailsTo(email).flatMap((m) => [...m.matchAll(new RegExp(`/organization/${org}/Confirm\\?token=([A-Za-z0-9_%-]+)`, "g"))].map((x) => decodeURIComponent(x[1])));
  if (links.length === 0) throw new Error(`no confirmation link to ${email}`);
  return links.at(-1)!;
}

const name = (prefix: string) => `${prefix}_${randomBytes(5).toString("hex")}`;

async function makeUser(db: Db, { confirmed = true, emailAllowed = true } = {}) {
  const username = name("u");
  return db.user.create({
    data: { username, usernameKey: username.toLowerCase(), email: `${username}@example.test`, emailConfirmedAt: confirmed ? new Date() : null, emailAllowed },
  });
}

async function team(db: Db) {
  const [admin, collaborator, outsider] = [await makeUser(db), await makeUser(db), await makeUser(db)];
  const org = await makeOrg(db, admin.id);
  await join(db, admin.id, org.username, collaborator, false);
  return { admin, collaborator, outsider, org };
}

const FORBIDDEN = { ok: false, status: 403, error: "User is not authorized" };

it("an invitation expires ORG_INVITATION_EXPIRY_DAYS (30 unless set, 1–3650) after it was made or sent again", () => {
  const day = 24 * 60 * 60_000;
  const at = new Date("2026-01-01T00:00:00Z");
  expect(invitationExpired(at, new Date(at.getTime() + 30 * day - 1), 30)).toBe(false);
  expect(invitationExpired(at, new Date(at.getTime() + 30 * day), 30)).toBe(true);
  expect(invitationExpired(at, new Date(at.getTime() + 2 * day), 1)).toBe(true);
  expect(parseEnv({}).ORG_INVITATION_EXPIRY_DAYS).toBe(30);
  expect(parseEnv({ ORG_INVITATION_EXPIRY_DAYS: "7" }).ORG_INVITATION_EXPIRY_DAYS).toBe(7);
  expect(() => parseEnv({ ORG_INVITATION_EXPIRY_DAYS: "0" })).toThrow(/ORG_INVITATION_EXPIRY_DAYS/);
});

describeEachDb("organization settings", (getDb) => {
  it("confirms a new organization by its mailed link: an administrator only, the token single use and of its own purpose", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const other = await makeUser(db);
    const org = await makeOrg(db, admin.id, { confirmed: false });
    const token = confirmToken(org.email, org.username);
    // the account confirmation route cannot spend it, another person cannot use it
    expect(await confirmEmail(db, org.username, token)).toEqual({ status: "invalid" });
    expect(await confirmOrganizationEmail(db, other.id, org.username, token)).toEqual({ status: "wrong-user", org: org.username });
    expect(await confirmOrganizationEmail(db, admin.id, org.username, "x".repeat(40))).toEqual({ status: "invalid", org: org.username });
    expect((await db.user.findUniqueOrThrow({ where: { id: org.id } })).emailConfirmedAt).toBeNull();
    // the token is stored only as its hash
    expect(await db.emailToken.count({ where: { tokenHash: token } })).toBe(0);
    expect(await confirmOrganizationEmail(db, admin.id, org.username.toUpperCase(), token)).toEqual({ status: "confirmed", org: org.username, newOrganization: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: org.id } })).emailConfirmedAt).not.toBeNull();
    expect(await confirmOrganizationEmail(db, admin.id, org.username, token)).toMatchObject({ status: "already-confirmed" });
  });

  it("an expired confirmation link fails; ConfirmationRequired re-sends it (administrators only, once a minute)", async () => {
    const db = getDb();
    const { admin, collaborator, outsider } = await team(db);
    const org = await makeOrg(db, admin.id, { confirmed: false });
    await db.membership.create({ data: { organizationId: org.id, memberId: collaborator.id, isAdmin: false } });
    const token = confirmToken(org.email, org.username);
    const later = new Date(Date.now() + 25 * 60 * 60_000);
    expect(await confirmOrganizationEmail(db, admin.id, org.username, token, later)).toMatchObject({ status: "invalid" });
    expect(await confirmationState(db, collaborator.id, org.username)).toEqual({ status: "not-authorized" });
    expect(await confirmationState(db, outsider.id, org.username)).toEqual({ status: "not-authorized" });
    expect(await confirmationState(db, admin.id, org.username)).toEqual({ status: "unconfirmed", org: org.username, address: org.email, newOrganization: true });
    expect(await resendOrganizationConfirmation(db, collaborator.id, org.username, ORIGIN)).toEqual(FORBIDDEN);
    expect(await resendOrganizationConfirmation(db, admin.id, org.username, ORIGIN)).toEqual({ ok: false, status: 400, error: SETTINGS_MESSAGES.tooSoon });
    const inTwoMinutes = new Date(Date.now() + 2 * 60_000);
    expect(await resendOrganizationConfirmation(db, admin.id, org.username, ORIGIN, inTwoMinutes)).toEqual({ ok: true, sent: true });
    const fresh = confirmToken(org.email, org.username);
    expect(fresh).not.toBe(token);
    expect(await confirmOrganizationEmail(db, admin.id, org.username, fresh)).toMatchObject({ status: "confirmed" });
    expect(await resendOrganizationConfirmation(db, admin.id, org.username, ORIGIN, new Date(Date.now() + 5 * 60_000))).toEqual({ ok: true, sent: false });
  });

  it("an email change of a confirmed organization waits for the new address's confirmation; reset calls it off", async () => {
    const db = getDb();
    const { admin, collaborator, org } = await team(db);
    const taken = await makeUser(db);
    const newEmail = `${name("new")}@org.test`;
    expect(await changeOrganizationEmail(db, admin.id, org.username, "nope", ORIGIN)).toMatchObject({ ok: false, status: 400, field: "newEmail", error: "This doesn't appear to be a valid email address." });
    expect(await changeOrganizationEmail(db, admin.id, org.username, taken.email, ORIGIN)).toMatchObject({ ok: false, error: `The email address '${taken.email}' is being used.` });
    expect(await changeOrganizationEmail(db, admin.id, org.username, org.email.toUpperCase(), ORIGIN)).toEqual({ ok: true, changed: false });
    expect(await changeOrganizationEmail(db, admin.id, org.username, newEmail, ORIGIN)).toEqual({ ok: true, changed: true, message: SETTINGS_MESSAGES.emailChanged });
    expect(await organizationSettings(db, collaborator.id, org.username)).toMatchObject({ email: org.email, pendingEmail: newEmail, confirmed: true, isAdmin: false });
    const [mail] = mailsTo(newEmail);
    expect(mail).toContain("Subject: [NuGet Gallery] Please verify your organization's new email address");
    // reset: the pending address and its link are gone
    const first = confirmToken(newEmail, org.username);
    expect(await cancelOrganizationEmailChange(db, admin.id, org.username)).toEqual({ ok: true, changed: true });
    expect(await confirmOrganizationEmail(db, admin.id, org.username, first)).toMatchObject({ status: "already-confirmed" });
    expect((await db.user.findUniqueOrThrow({ where: { id: org.id } })).pendingEmail).toBeNull();
    // again, and confirmed: the address is swapped and the old one is told
    await changeOrganizationEmail(db, admin.id, org.username, newEmail, ORIGIN);
    expect(await confirmOrganizationEmail(db, admin.id, org.username, confirmToken(newEmail, org.username))).toEqual({ status: "confirmed", org: org.username, newOrganization: false });
    expect(await db.user.findUniqueOrThrow({ where: { id: org.id }, select: { email: true, pendingEmail: true } })).toEqual({ email: newEmail, pendingEmail: null });
    expect(mailsTo(org.email).some((m) => m.includes(`was recently changed from ${org.email} to ${newEmail}`))).toBe(true);
  });

  it("a pending address taken by another account meanwhile is refused on confirmation, nothing changed", async () => {
    const db = getDb();
    const { admin, org } = await team(db);
    const newEmail = `${name("new")}@org.test`;
    await changeOrganizationEmail(db, admin.id, org.username, newEmail, ORIGIN);
    await db.user.create({ data: { username: name("late"), usernameKey: name("late"), email: newEmail } });
    expect(await confirmOrganizationEmail(db, admin.id, org.username, confirmToken(newEmail, org.username))).toEqual({ status: "duplicate", org: org.username });
    expect(await db.user.findUniqueOrThrow({ where: { id: org.id }, select: { email: true, pendingEmail: true } })).toEqual({ email: org.email, pendingEmail: newEmail });
  });

  it("a new organization's address is replaced and the new one gets the verify mail", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const org = await makeOrg(db, admin.id, { confirmed: false });
    const newEmail = `${name("fix")}@org.test`;
    expect(await changeOrganizationEmail(db, admin.id, org.username, newEmail, ORIGIN)).toEqual({ ok: true, changed: true });
    expect(await db.user.findUniqueOrThrow({ where: { id: org.id }, select: { email: true, pendingEmail: true } })).toEqual({ email: newEmail, pendingEmail: null });
    expect(await confirmOrganizationEmail(db, admin.id, org.username, confirmToken(newEmail, org.username))).toMatchObject({ status: "confirmed", newOrganization: true });
  });

  it("collaborators and outsiders (with this or another organization's name) get 403 on every change; nothing changes", async () => {
    const db = getDb();
    const { admin, collaborator, outsider, org } = await team(db);
    const theirs = await makeOrg(db, outsider.id);
    const before = await db.user.findUniqueOrThrow({ where: { id: org.id } });
    for (const [actor, target] of [[collaborator.id, org.username], [outsider.id, org.username], [admin.id, theirs.username], [admin.id, admin.username], [admin.id, name("NoSuch")]] as const) {
      expect(await changeOrganizationEmail(db, actor, target, `${name("x")}@org.test`, ORIGIN)).toEqual(FORBIDDEN);
      expect(await cancelOrganizationEmailChange(db, actor, target)).toEqual(FORBIDDEN);
      expect(await changeOrganizationNotifications(db, actor, target, { emailAllowed: false, notifyPackagePushed: false })).toEqual(FORBIDDEN);
      expect(await resendOrganizationConfirmation(db, actor, target, ORIGIN)).toEqual(FORBIDDEN);
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: org.id } })).toEqual(before);
    expect(await db.user.findUniqueOrThrow({ where: { id: theirs.id }, select: { emailAllowed: true, pendingEmail: true } })).toEqual({ emailAllowed: true, pendingEmail: null });
    expect(await organizationSettings(db, outsider.id, org.username)).toBeNull();
    expect(await changeOrganizationNotifications(db, admin.id, org.username, { emailAllowed: false, notifyPackagePushed: true })).toEqual({ ok: true });
    expect(await organizationSettings(db, collaborator.id, org.username)).toMatchObject({ emailAllowed: false, notifyPackagePushed: true });
  });

  it("a person's own notification settings: only their row", async () => {
    const db = getDb();
    const user = await makeUser(db);
    const other = await makeUser(db);
    const org = await makeOrg(db, user.id);
    expect(await changeNotificationSettings(db, user.id, { emailAllowed: false, notifyPackagePushed: true })).toBe(true);
    expect(await notificationSettings(db, user.id)).toEqual({ emailAllowed: false, notifyPackagePushed: true });
    expect(await notificationSettings(db, other.id)).toEqual({ emailAllowed: true, notifyPackagePushed: true });
    // an organization's id (never a session's) changes nothing
    expect(await changeNotificationSettings(db, org.id, { emailAllowed: false, notifyPackagePushed: false })).toBe(false);
  });

  it("organization mails honour each recipient's emailAllowed (§13); the removed person is mailed anyway (§16)", async () => {
    const db = getDb();
    const admin = await makeUser(db);
    const quietAdmin = await makeUser(db, { emailAllowed: false });
    const org = await makeOrg(db, admin.id);
    await join(db, admin.id, org.username, quietAdmin, true);
    const quiet = await makeUser(db, { emailAllowed: false });
    const count = (email: string, text: string) => mailsTo(email).filter((m) => m.includes(text)).length;

    // invite: no mail to the opted-out invitee nor the opted-out administrator; the page still shows it
    const invited = await inviteMember(db, admin.id, org.username, quiet.username, false, ORIGIN);
    if (!invited.ok) throw new Error(invited.error);
    expect(count(quiet.email, "Membership request for organization")).toBe(0);
    expect(count(quietAdmin.email, `be added as a collaborator of organization '${org.username}'`)).toBe(0);
    expect(count(admin.email, `has requested that user '${quiet.username}' be added`)).toBe(1);
    expect(await listOrganizationRows(db, quiet.id)).toEqual([expect.objectContaining({ username: org.username, pending: true, expired: false })]);
    // cancel: nothing to the opted-out invitee; decline: only the administrator who allows mail
    await cancelInvitation(db, admin.id, org.username, quiet.username);
    expect(count(quiet.email, "cancelled")).toBe(0);
    await inviteMember(db, admin.id, org.username, quiet.username, false, ORIGIN);
    await declineInvitation(db, quiet.id, org.username, FROM_ACCOUNT_PAGE);
    expect(count(admin.email, `The user '${quiet.username}' has declined`)).toBe(1);
    expect(count(quietAdmin.email, "has declined")).toBe(0);

    // the organization's address: mailed while it allows mail, not after it opts out
    await join(db, admin.id, org.username, quiet, false);
    expect(count(org.email, `The user '${quiet.username}' is now a collaborator`)).toBe(1);
    await changeOrganizationNotifications(db, admin.id, org.username, { emailAllowed: false, notifyPackagePushed: true });
    await changeRole(db, admin.id, org.username, quiet.username, true);
    expect(count(org.email, `The user '${quiet.username}' is now an administrator`)).toBe(0);
    await removeMember(db, admin.id, org.username, quiet.username);
    expect(count(org.email, `The user '${quiet.username}' is no longer a member`)).toBe(0);
    // beyond nuget.org: the removed person hears of it, opted out or not; leaving mails nobody
    expect(count(quiet.email, `The user '${quiet.username}' is no longer a member of organization '${org.username}'.`)).toBe(1);
    await removeMember(db, quietAdmin.id, org.username, quietAdmin.username);
    expect(count(quietAdmin.email, "is no longer a member")).toBe(0);
  });

  it("invitations expire after ORG_INVITATION_EXPIRY_DAYS; an administrator's Resend gives a new token and date and mails again", async () => {
    const db = getDb();
    const { admin, collaborator, outsider, org } = await team(db);
    const invitee = await makeUser(db);
    const invited = await inviteMember(db, admin.id, org.username, invitee.username, true, ORIGIN);
    if (!invited.ok) throw new Error(invited.error);
    await db.membershipRequest.updateMany({ where: { organizationId: org.id, newMemberId: invitee.id }, data: { requestedAt: new Date(Date.now() - 30 * 24 * 60 * 60_000 - 1000) } });
    const expired = { ok: false, status: 400, error: `This invitation has expired. Ask an administrator of '${org.username}' to send it again.` };
    expect(await acceptInvitation(db, invitee.id, org.username, invited.token)).toEqual(expired);
    expect(await acceptInvitation(db, invitee.id, org.username, FROM_ACCOUNT_PAGE)).toEqual(expired);
    expect(await listOrganizationRows(db, invitee.id)).toEqual([expect.objectContaining({ pending: true, expired: true })]);
    expect((await viewOrganization(db, admin.id, org.username))?.members.find((m) => m.username === invitee.username)).toEqual({ username: invitee.username, isAdmin: true, pending: true, expired: true });

    expect(await resendInvitation(db, collaborator.id, org.username, invitee.username, ORIGIN)).toEqual(FORBIDDEN);
    expect(await resendInvitation(db, outsider.id, org.username, invitee.username, ORIGIN)).toEqual(FORBIDDEN);
    expect(await resendInvitation(db, admin.id, org.username, outsider.username, ORIGIN)).toEqual({ ok: false, status: 400, error: `There is no request for user '${outsider.username}' to join this organization.` });
    const before = mailsTo(invitee.email).length;
    const resent = await resendInvitation(db, admin.id, org.username, invitee.username, ORIGIN);
    if (!resent.ok) throw new Error(resent.error);
    expect(resent.message).toBe(`The invitation to '${invitee.username}' was sent again.`);
    expect(mailsTo(invitee.email).length).toBe(before + 1);
    expect(mailsTo(invitee.email).some((m) => m.includes(`/members/confirm/${resent.token}`))).toBe(true);
    // the old link stopped working, the new one works with the offered role
    expect(await acceptInvitation(db, invitee.id, org.username, invited.token)).toMatchObject({ ok: false });
    expect(await acceptInvitation(db, invitee.id, org.username, resent.token)).toEqual({ ok: true, organization: org.username, isAdmin: true });
  });
});
