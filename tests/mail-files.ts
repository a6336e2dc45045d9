// The mails a data-layer test's code wrote as .eml files into its MAIL_DIR, decoded (headers
// unfolded, quoted-printable undone), for one recipient.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export function mailsIn(dir: string, email: string): string[] {
  return readdirSync(dir)
    .map((f) => readFileSync(path.join(dir, f), "utf8"))
    .map((m) => m.replace(/=\r?\n/g, "").replace(/\r?\n[ \t]+/g, " ").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))))
    .filter((m) => m.includes(`To: ${email}`));
}
