// `npm run shots`: the e2e server and browser of playwright.config.ts, running only the
// *.shots.ts files, which write screenshots to .data/shots/ for a person to compare with
// nuget.org's (../shared/reference/*.png). Not tests: `npm test` never runs them.
import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

export default defineConfig({
  ...base,
  testMatch: "**/*.shots.ts",
  outputDir: ".data/shots/.results",
  globalTeardown: undefined,
});
