// Outgoing mail. With SMTP_URL set, nodemailer sends over SMTP. Otherwise each mail is written
// as an .eml file into MAIL_DIR (default .data/mail) and its subject and links are printed on
// the console, so a newcomer on the embedded default can confirm an account.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import { logInfo } from "@/lib/log";
import { env } from "@/lib/env";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** nuget.org's subjects all start with the gallery owner's display name. */
export const GALLERY_NAME = "NuGet Gallery";
export function subject(text: string): string {
  return `[${GALLERY_NAME}] ${text}`;
}

export function mailFrom(): string {
  return env().MAIL_FROM;
}

let transport: nodemailer.Transporter | undefined;

export async function sendMail(mail: Mail): Promise<void> {
  const smtpUrl = env().SMTP_URL;
  if (smtpUrl) {
    transport ??= nodemailer.createTransport(smtpUrl);
    await transport.sendMail({ from: mailFrom(), to: mail.to, subject: mail.subject, text: mail.text });
    return;
  }
  const dir = path.resolve(env().MAIL_DIR);
  // mails hold sign-in and confirmation links: the folder and files are their owner's alone,
  // whatever the umask of the process writing them (the server sets 077; a script may not)
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // streamTransport builds the RFC 822 message without sending it anywhere
  const built = await nodemailer
    .createTransport({ streamTransport: true, buffer: true, newline: "unix" })
    .sendMail({ from: mailFrom(), to: mail.to, subject: mail.subject, text: mail.text });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}.eml`);
  writeFileSync(file, built.message as Buffer, { mode: 0o600 });
  const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
  logInfo(`[mail] to ${mail.to}: ${mail.subject}`, ...links.map((l) => `[mail]   ${l}`), `[mail]   saved as ${file}`);
}
