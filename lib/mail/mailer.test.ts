import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it, vi } from "vitest";

// mailer keeps one transport per process: a fresh module per test
async function freshMailer() {
  vi.resetModules();
  return import("./mailer");
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("sendMail over SMTP", () => {
  it("delivers to a real SMTP server when SMTP_URL is set", async () => {
    const received: { from?: string; to: string[]; data: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, done) {
        let data = "";
        stream.on("data", (c: Buffer) => (data += c.toString("utf8")));
        stream.on("end", () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined, to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.server.address() as AddressInfo;
    try {
      vi.stubEnv("SMTP_URL", `smtp://127.0.0.1:${port}`);
      vi.stubEnv("MAIL_FROM", "gallery@example.test");
      const { sendMail, subject } = await freshMailer();
      await sendMail({ to: "alice@example.test", subject: subject("Please verify your account"), text: "Open http://localhost/account/confirm/alice/abc" });
      expect(received).toHaveLength(1);
      expect(received[0].from).toBe("gallery@example.test");
      expect(received[0].to).toEqual(["alice@example.test"]);
      expect(received[0].data).toContain("Subject: [NuGet Gallery] Please verify your account");
      expect(received[0].data).toContain("http://localhost/account/confirm/alice/abc");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("sendMail without SMTP", () => {
  it("writes an .eml file into MAIL_DIR, its owner's alone whatever the umask, and prints the subject and links", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "mail-"));
    try {
      vi.stubEnv("SMTP_URL", "");
      const inbox = path.join(dir, "inbox");
      vi.stubEnv("MAIL_DIR", inbox);
      const umask = process.umask(0o022);
      const log = vi.spyOn(console, "log").mockImplementation(() => {});
      const { sendMail } = await freshMailer();
      await sendMail({ to: "bob@example.test", subject: "[NuGet Gallery] Hello", text: "Link: https://gallery.test/account/confirm/bob/t0k3n\n" });
      process.umask(umask);
      const files = readdirSync(inbox);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      // it holds sign-in and confirmation links
      expect(statSync(inbox).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(inbox, files[0])).mode & 0o777).toBe(0o600);
      const eml = readFileSync(path.join(inbox, files[0]), "utf8");
      expect(eml).toContain("To: bob@example.test");
      expect(eml).toContain("Subject: [NuGet Gallery] Hello");
      expect(eml).toContain("https://gallery.test/account/confirm/bob/t0k3n");
      const printed = log.mock.calls.map((c) => String(c[0])).join("\n");
      expect(printed).toContain("[NuGet Gallery] Hello");
      expect(printed).toContain("https://gallery.test/account/confirm/bob/t0k3n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
