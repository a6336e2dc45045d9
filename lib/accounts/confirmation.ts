// Mailing a confirmation link: a fresh single-use token, then nuget.org's mail with the link.
import "server-only";
import type { Db } from "@/lib/create-db";
import { sendMail } from "@/lib/mail/mailer";
import { issueConfirmationToken } from "./email-tokens";
import { confirmationUrl, newAccountMail, resendConfirmationMail } from "./mails";

export async function mailConfirmationLink(
  db: Db,
  user: { id: string; username: string; email: string },
  origin: string,
  kind: "new-account" | "resend",
): Promise<void> {
  const token = await issueConfirmationToken(db, user.id);
  const url = confirmationUrl(origin, user.username, token);
  await sendMail(kind === "new-account" ? newAccountMail(user.email, url) : resendConfirmationMail(user.email, url));
}
