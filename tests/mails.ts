// Mail for data-layer tests: MAIL_DIR pointed at a fresh folder (no SMTP), and the mails written
// there for an address, decoded (quoted-printable soft breaks and escapes undone, headers unfolded).
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export function testMailDir(prefix: string): (email: string) => string[] {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  process.env.MAIL_DIR = dir;
  delete process.env.SMTP_URL;
  return (email) =>
    readdirSync(dir)
      .map((f) => readFileSync(path.join(dir, f), "utf8"))
      .map((m) => m.replace(/=\r?\n/g, "").replace(/\r?\n[ \t]+/g, " ").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))))
      .filter((m) => m.includes(`To: ${email}`));
}
