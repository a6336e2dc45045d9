// Finds the system packages the tests need and says exactly how to install what is missing.
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";

export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);
  return {
    path: candidates.find((p) => existsSync(p)) ?? null,
    install: "sudo apt-get update && sudo apt-get install -y chromium",
  };
}

const MONO_LIBS = [
  "libmono-system-net-http4.0-cil",
  "libmono-system-net-http-webrequest4.0-cil",
  "libmono-system-io-compression4.0-cil",
  "libmono-system-io-compression-filesystem4.0-cil",
];

export function findNugetClients() {
  const missing = [];
  if (!existsSync("/usr/bin/nuget")) missing.push("nuget (2.8.7)");
  const monoOk = MONO_LIBS.every((p) => {
    try {
      execSync(`dpkg -s ${p}`, { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
  if (!monoOk) missing.push("Mono libraries for NuGet.exe 5.8");
  return {
    missing,
    install: `sudo apt-get update && sudo apt-get install -y --no-install-recommends nuget ca-certificates-mono ${MONO_LIBS.join(" ")}`,
  };
}
