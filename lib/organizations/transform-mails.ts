// The transform's mails, in nuget.org's words (MessageServiceTests / Organization*Transform*Message.cs).
import { subject, GALLERY_NAME, type Mail } from "@/lib/mail/mailer";

const SIGNATURE = `\nThanks,\nThe ${GALLERY_NAME} Team\n`;
const seg = encodeURIComponent;

export const transformUrls = {
  confirm: (origin: string, account: string, token: string) => `${origin}/account/transform/confirm/${seg(account)}/${seg(token)}`,
  reject: (origin: string, account: string, token: string) => `${origin}/account/transform/reject/${seg(account)}/${seg(token)}`,
  cancel: (origin: string, token: string) => `${origin}/account/transform/cancel/${seg(token)}`,
};

/** OrganizationTransformRequestMessage: to the proposed administrator. */
export function transformRequestMail(to: string, a: { account: string; origin: string; token: string }): Mail {
  return {
    to,
    subject: subject(`Organization transformation for account '${a.account}'`),
    text: `We have received a request to transform account '${a.account}' (${a.origin}/profiles/${seg(a.account)}) into an organization.

To proceed with the transformation and become an administrator of '${a.account}':
${transformUrls.confirm(a.origin, a.account, a.token)}

To cancel the transformation:
${transformUrls.reject(a.origin, a.account, a.token)}
${SIGNATURE}`,
  };
}

/** OrganizationTransformInitiatedMessage: to the account being transformed. */
export function transformInitiatedMail(to: string, a: { account: string; admin: string; origin: string; token: string }): Mail {
  return {
    to,
    subject: subject(`Organization transformation for account '${a.account}'`),
    text: `We have received a request to transform account '${a.account}' into an organization with user '${a.admin}' as its admin.

To cancel the transformation:

${transformUrls.cancel(a.origin, a.token)}

If you did not request this change, please contact support by responding to this email.
${SIGNATURE}`,
  };
}

/** OrganizationTransformAcceptedMessage: to both. */
export function transformAcceptedMail(to: string, a: { account: string; admin: string }): Mail {
  return {
    to,
    subject: subject(`Account '${a.account}' has been transformed into an organization`),
    text: `Account '${a.account}' has been transformed into an organization with user '${a.admin}' as its administrator. If you did not request this change, please contact support by responding to this email.
${SIGNATURE}`,
  };
}

/** OrganizationTransformRejectedMessage: to the other party, when one side cancels or a new request replaces it. */
export function transformCancelledMail(to: string, a: { account: string; by: string }): Mail {
  return {
    to,
    subject: subject(`Transformation of account '${a.account}' has been cancelled`),
    text: `Transformation of account '${a.account}' has been cancelled by user '${a.by}'.\n${SIGNATURE}`,
  };
}
