// The mails accounts send, in nuget.org's words (their links point at lib/request-context.ts appOrigin).
import { subject, GALLERY_NAME, type Mail } from "@/lib/mail/mailer";


export function confirmationUrl(origin: string, username: string, token: string): string {
  return `${origin}/account/confirm/${encodeURIComponent(username)}/${encodeURIComponent(token)}`;
}

/** nuget.org's NewAccountMessage (plain text body). */
export function newAccountMail(to: string, url: string): Mail {
  return {
    to,
    subject: subject("Please verify your account"),
    text: `Thank you for registering with the ${GALLERY_NAME}.
We can't wait to see what packages you'll upload.

So we can be sure to contact you, please verify your email address using the following link:

${url}

Thanks,
The ${GALLERY_NAME} Team
`,
  };
}

/** The same link again, from the "resend" button. */
export function resendConfirmationMail(to: string, url: string): Mail {
  return {
    to,
    subject: subject("Please verify your account"),
    text: `You asked for a new link to verify the email address of your ${GALLERY_NAME} account.

Please verify your email address using the following link:

${url}

The link works once and expires in 24 hours. If you did not ask for it, you can ignore this mail.

Thanks,
The ${GALLERY_NAME} Team
`,
  };
}
