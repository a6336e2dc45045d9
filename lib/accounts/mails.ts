// The mails accounts send, in nuget.org's words, and the origin their links point at.
import { envFrom, type RawEnv } from "@/lib/env";
import { subject, GALLERY_NAME, type Mail } from "@/lib/mail/mailer";

/**
 * The site's origin for links in mails: APP_URL (or AUTH_URL) when set — set it in production,
 * so a forged Host header cannot put another site into a mail — else the request's own.
 */
export function appOrigin(headers: Pick<Headers, "get"> | null, raw?: RawEnv): string {
  const env = envFrom(raw);
  // both checked at start-up to be absolute http(s) URLs
  const configured = env.APP_URL ?? env.AUTH_URL;
  if (configured) return new URL(configured).origin;
  const host = headers?.get("x-forwarded-host")?.split(",")[0]?.trim() || headers?.get("host") || "localhost:3000";
  const proto = headers?.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return "http://localhost:3000";
  }
}

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
