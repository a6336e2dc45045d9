// The mails package-ownership changes send, in nuget.org's words (Infrastructure/Mail/Messages/
// PackageOwner*.cs, PackageOwnershipRequest*.cs). Addressed by lib/packages/owners.ts.
import { subject, GALLERY_NAME, type Mail } from "@/lib/mail/mailer";

const SIGNATURE = `\nThanks,\nThe ${GALLERY_NAME} Team\n`;

export type OwnerLink = "confirm" | "reject" | "cancel";

/** /packages/{id}/owners/{username}/confirm|reject|cancel/{token}: `username` is the pending owner. */
export function ownershipRequestUrl(origin: string, packageId: string, username: string, token: string, link: OwnerLink): string {
  return `${origin}/packages/${encodeURIComponent(packageId)}/owners/${encodeURIComponent(username)}/${link}/${encodeURIComponent(token)}`;
}

export const packageUrl = (origin: string, packageId: string) => `${origin}/packages/${encodeURIComponent(packageId)}`;

/** PackageOwnershipRequestMessage: to the new owner (a user), or each administrator of the organization. */
export function ownershipRequestMail(
  to: string,
  a: { from: string; packageId: string; newOwner: string; toOrganization: boolean; message: string | null; origin: string; token: string },
): Mail {
  const note = a.message ? `\nThe user '${a.from}' added the following message for you:\n\n'${a.message}'\n` : "";
  return {
    to,
    subject: subject(`Package ownership request for '${a.packageId}'`),
    text: `The user '${a.from}' would like to add ${a.toOrganization ? "your organization" : "you"} as an owner of the package '${a.packageId}' (${packageUrl(a.origin, a.packageId)}).
${note}
To accept this request and ${a.toOrganization ? "make your organization" : "become"} a listed owner of the package:

${ownershipRequestUrl(a.origin, a.packageId, a.newOwner, a.token, "confirm")}

To decline:

${ownershipRequestUrl(a.origin, a.packageId, a.newOwner, a.token, "reject")}
${SIGNATURE}`,
  };
}

/** PackageOwnershipRequestInitiatedMessage: to each existing owner, with the requester's cancel link. */
export function ownershipRequestInitiatedMail(to: string, a: { from: string; packageId: string; newOwner: string; origin: string; token: string }): Mail {
  return {
    to,
    subject: subject(`Package ownership request for '${a.packageId}'`),
    text: `The user '${a.from}' has requested that user '${a.newOwner}' be added as an owner of the package '${a.packageId}'.

To cancel this request:

${ownershipRequestUrl(a.origin, a.packageId, a.newOwner, a.token, "cancel")}
${SIGNATURE}`,
  };
}

/** PackageOwnerAddedMessage: to each of the other owners. */
export function ownerAddedMail(to: string, a: { packageId: string; newOwner: string; origin: string }): Mail {
  return {
    to,
    subject: subject(`Package ownership update for '${a.packageId}'`),
    text: `User '${a.newOwner}' is now an owner of the package '${a.packageId}' (${packageUrl(a.origin, a.packageId)}).\n${SIGNATURE}`,
  };
}

/** PackageOwnerRemovedMessage: to the removed owner. */
export function ownerRemovedMail(to: string, a: { from: string; packageId: string; toOrganization: boolean }): Mail {
  return {
    to,
    subject: subject(`Package ownership removal for '${a.packageId}'`),
    text: `The user '${a.from}' removed ${a.toOrganization ? "your organization" : "you"} as an owner of the package '${a.packageId}'.\n${SIGNATURE}`,
  };
}

/** PackageOwnershipRequestCanceledMessage: to the pending owner. */
export function ownershipRequestCancelledMail(to: string, a: { from: string; packageId: string; toOrganization: boolean }): Mail {
  return {
    to,
    subject: subject(`Package ownership request for '${a.packageId}' cancelled`),
    text: `The user '${a.from}' has cancelled their request for ${a.toOrganization ? "your organization" : "you"} to be added as an owner of the package '${a.packageId}'.\n${SIGNATURE}`,
  };
}

/** PackageOwnershipRequestDeclinedMessage: to the requester (if they allow mail). */
export function ownershipRequestDeclinedMail(to: string, a: { newOwner: string; packageId: string; fromOrganization: boolean }): Mail {
  return {
    to,
    subject: subject(`Package ownership request for '${a.packageId}' declined`),
    text: `The user '${a.newOwner}' has declined ${a.fromOrganization ? "your organization's" : "your"} request to add them as an owner of the package '${a.packageId}'.\n${SIGNATURE}`,
  };
}
