// After every e2e test: the server's log must hold no API key and no password that the tests
// typed or received. (Confirmation links are printed on purpose when no SMTP is set up.)
import { existsSync, readFileSync } from "node:fs";

export default function globalTeardown() {
  const file = ".data/e2e/server.log";
  if (!existsSync(file)) throw new Error(`${file} is missing: the e2e server's output was not captured`);
  const log = readFileSync(file, "utf8");
  const leaks = [
    ...(log.match(/oy2[a-z2-7]{43}/gi) ?? []).map((k) => `API key ${k.slice(0, 8)}…`),
    // e2e/fixtures.ts passwords (16 hex), the registration test's (12) and the wrong ones typed
    ...(log.match(/pw-[0-9a-f]{12,}|wrong-[0-9a-f]{12}|brand-new-password/g) ?? []).map((p) => `password ${p.slice(0, 5)}…`),
  ];
  if (leaks.length) throw new Error(`secrets found in the server log (${file}): ${[...new Set(leaks)].join(", ")}`);
}
