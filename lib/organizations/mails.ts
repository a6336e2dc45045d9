// The mails organizations send, in nuget.org's words (Infrastructure/Mail/Messages/Organization*.cs).
import { subject, GALLERY_NAME, type Mail } from "@/lib/mail/mailer";
import { roleWithArticle } from "./rules";

const SIGNATURE = `\nThanks,\nThe ${GALLERY_NAME} Team\n`;

export function membershipRequestUrl(origin: string, org: string, token: string, answer: "confirm" | "reject"): string {
  return `${origin}/organization/${encodeURIComponent(org)}/members/${answer}/${encodeURIComponent(token)}`;
}

/** OrganizationConfirmationMessage: to the new organization's (unconfirmed) address. */
export function newOrganizationMail(to: string, url: string): Mail {
  return {
    to,
    subject: subject("Please verify your account"),
    text: `Thank you for creating an organization on the ${GALLERY_NAME}.
We can't wait to see what packages you'll upload.

So we can be sure to contact you, please verify your email address using the following link:

${url}
${SIGNATURE}`,
  };
}

/** OrganizationMembershipRequestMessage: to the invitee. */
export function invitationMail(to: string, a: { org: string; admin: string; isAdmin: boolean; origin: string; token: string }): Mail {
  const role = roleWithArticle(a.isAdmin);
  return {
    to,
    subject: subject(`Membership request for organization '${a.org}'`),
    text: `The user '${a.admin}' would like you to become ${role} of their organization, '${a.org}' (${a.origin}/profiles/${encodeURIComponent(a.org)}).

To learn more about organization roles, refer to the documentation (https://go.microsoft.com/fwlink/?linkid=870439).

To accept the request and become ${role} of '${a.org}':

${membershipRequestUrl(a.origin, a.org, a.token, "confirm")}

To decline the request:

${membershipRequestUrl(a.origin, a.org, a.token, "reject")}
${SIGNATURE}`,
  };
}

/** OrganizationMembershipRequestInitiatedMessage: the notice to each administrator. */
export function invitationNoticeMail(to: string, a: { org: string; admin: string; member: string; isAdmin: boolean }): Mail {
  return {
    to,
    subject: subject(`Membership request for organization '${a.org}'`),
    text: `The user '${a.admin}' has requested that user '${a.member}' be added as ${roleWithArticle(a.isAdmin)} of organization '${a.org}'. A confirmation mail has been sent to user '${a.member}' to accept the membership request. This mail is to inform you of the membership changes to organization '${a.org}' and there is no action required from you.
${SIGNATURE}`,
  };
}

/** OrganizationMemberUpdatedMessage: to the organization's address, on accept or role change. */
export function memberUpdatedMail(to: string, a: { org: string; member: string; isAdmin: boolean }): Mail {
  return {
    to,
    subject: subject(`Membership update for organization '${a.org}'`),
    text: `The user '${a.member}' is now ${roleWithArticle(a.isAdmin)} of organization '${a.org}'.\n${SIGNATURE}`,
  };
}

/** OrganizationMemberRemovedMessage: to the organization's address, on remove or leave. */
export function memberRemovedMail(to: string, a: { org: string; member: string }): Mail {
  return {
    to,
    subject: subject(`Membership update for organization '${a.org}'`),
    text: `The user '${a.member}' is no longer a member of organization '${a.org}'.\n${SIGNATURE}`,
  };
}

/** OrganizationMembershipRequestDeclinedMessage: to each administrator. */
export function invitationDeclinedMail(to: string, a: { org: string; member: string }): Mail {
  return {
    to,
    subject: subject(`Membership request for organization '${a.org}' declined`),
    text: `The user '${a.member}' has declined your request to become a member of your organization.\n${SIGNATURE}`,
  };
}

/** OrganizationMembershipRequestCancelledMessage: to the invitee. */
export function invitationCancelledMail(to: string, a: { org: string }): Mail {
  return {
    to,
    subject: subject(`Membership request for organization '${a.org}' cancelled`),
    text: `The request for you to become a member of '${a.org}' has been cancelled.\n${SIGNATURE}`,
  };
}
