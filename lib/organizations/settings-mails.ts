// The organization settings' mails, in nuget.org's words (NewAccountMessage,
// EmailChangeConfirmationMessage, EmailChangeNoticeToPreviousEmailAddressMessage), and the one
// beyond it: the person removed from an organization is told (spec §16, #5756 and its kin).
import { subject, GALLERY_NAME, type Mail } from "@/lib/mail/mailer";

const SIGNATURE = `\nThanks,\nThe ${GALLERY_NAME} Team\n`;

/** The link in the organization's confirmation mails: GET /organization/{name}/Confirm?token=… */
export function organizationConfirmationUrl(origin: string, org: string, token: string): string {
  return `${origin}/organization/${encodeURIComponent(org)}/Confirm?token=${encodeURIComponent(token)}`;
}

/** EmailChangeConfirmationMessage: to the new address of a confirmed organization. */
export function emailChangeConfirmationMail(to: string, a: { org: string; url: string }): Mail {
  return {
    to,
    subject: subject("Please verify your organization's new email address"),
    text: `You recently changed your organization's (${a.org}) ${GALLERY_NAME} email address.

To verify your organization's new email address:

${a.url}
${SIGNATURE}`,
  };
}

/** EmailChangeNoticeToPreviousEmailAddressMessage: to the old address once the new one is confirmed. */
export function emailChangedNoticeMail(to: string, a: { org: string; oldEmail: string; newEmail: string }): Mail {
  return {
    to,
    subject: subject("Recent changes to your organization's email"),
    text: `The email address associated with your ${GALLERY_NAME} organization (${a.org}) was recently changed from ${a.oldEmail} to ${a.newEmail}.
${SIGNATURE}`,
  };
}

/** Beyond nuget.org (spec §16): the person an administrator removed learns of it. */
export function removedFromOrganizationMail(to: string, a: { org: string; member: string }): Mail {
  return {
    to,
    subject: subject(`Membership update for organization '${a.org}'`),
    text: `The user '${a.member}' is no longer a member of organization '${a.org}'. You can no longer manage the organization or its packages, and your API keys for it stop working.
${SIGNATURE}`,
  };
}
