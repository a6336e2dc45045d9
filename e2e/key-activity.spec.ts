// A key's activity (issue 14 item 5) in Chromium after real NuGet clients used it: the row's
// Activity disclosure, opened from the keyboard, lists allowed and refused uses with the check
// that failed, the client's address and user agent; a crafted request for another account's
// key id gets nothing of theirs.
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { createUser, e2eDb, signIn, tamperNextAction } from "./fixtures";
import { PAGE, keyRow } from "./apikeys-states";
import { checkClients, pack, push } from "./nuget/clients";
import { makeKey } from "./nuget/data";

const BASE = process.env.E2E_BASE_URL!;
const V3 = `${BASE}/v3/index.json`;
const V2 = `${BASE}/api/v2/package`;

// Debian's Mono aborts now and then under load (see nuget-clients.spec.ts): one retry, whole
test.describe.configure({ timeout: 180_000, retries: 1 });

test.beforeEach(async () => {
  const found = checkClients();
  if (found.ok) return;
  const message = `NuGet clients missing (${found.missing.join(", ")}); see README`;
  if (process.env.CI === "true") throw new Error(message);
  test.skip(true, message);
});

test("after real clients' pushes a row's Activity shows the allowed and refused uses with the check that failed", async ({ page }) => {
  const user = await createUser();
  const p = `Act${randomBytes(3).toString("hex")}`;
  const ci = await makeKey(user, { name: "ci", actions: ["package:push"], subjects: [`${p}.*`] });
  await makeKey(user, { name: "idle", actions: ["package:push"], subjects: ["*"] });
  const a = await pack(`${p}.A`, "1.0.0");
  const outside = await pack(`Other${p}`, "1.0.0");

  expect((await push("nuget-5.8", a, { source: V3, apiKey: ci.plaintext })).exitCode).toBe(0);
  // the same version again: 409; an id outside the key's glob: 403
  expect((await push("nuget-5.8", a, { source: V3, apiKey: ci.plaintext })).exitCode).not.toBe(0);
  const refused = await push("nuget-2.8.7", outside, { source: V2, apiKey: ci.plaintext });
  expect(refused.exitCode).not.toBe(0);
  expect(refused.output).toContain("The specified API key is invalid");
  // written within the flush time (250 ms)
  await expect.poll(() => e2eDb().keyActivity.count({ where: { apiKeyId: ci.id } })).toBe(3);

  await signIn(page, user, PAGE);
  const row = keyRow(page, "ci");
  const toggle = row.getByRole("button", { name: "Activity" });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await toggle.focus();
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  const table = row.getByRole("table", { name: "The last 3 uses of ci, newest first" });
  await expect(table).toBeVisible();
  const rows = table.locator("tbody tr");
  await expect(rows).toHaveCount(3);
  // newest first
  await expect(rows.nth(0)).toContainText(`Other${p} 1.0.0`);
  await expect(rows.nth(0)).toContainText("Refused (403)");
  await expect(rows.nth(0)).toContainText("Package: not among the key's packages or glob pattern");
  await expect(rows.nth(1)).toContainText(`${p}.A 1.0.0`);
  await expect(rows.nth(1)).toContainText("Refused (409)");
  await expect(rows.nth(1)).toContainText("Version already exists");
  await expect(rows.nth(2)).toContainText("Allowed (201)");
  await expect(rows.nth(2).getByRole("cell").nth(4)).toHaveText("");
  for (let i = 0; i < 3; i++) {
    await expect(rows.nth(i)).toContainText("Push");
    await expect(rows.nth(i)).toContainText("127.0.0.1");
  }
  await expect(rows.nth(1)).toContainText(/NuGet Command Line\/5\.8/);
  await expect(rows.nth(0)).toContainText(/NuGet/);
  // the open disclosure and its table pass axe's WCAG 2.1 A and AA rules (the page closed is in accessibility.spec.ts)
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(" ")) }))).toEqual([]);

  // closing hides it; the other key has nothing yet
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(table).toBeHidden();
  await keyRow(page, "idle").getByRole("button", { name: "Activity" }).click();
  await expect(keyRow(page, "idle").getByText("No uses recorded yet.")).toBeVisible();
});

test("a crafted request for another account's key id gets nothing of theirs", async ({ page }) => {
  const stranger = await createUser();
  const theirs = await makeKey(stranger, { name: "theirs", actions: ["package:push"], subjects: ["*"] });
  const secretId = `Secret${randomBytes(3).toString("hex")}`;
  await e2eDb().keyActivity.create({ data: { apiKeyId: theirs.id, action: "push", packageId: secretId, version: "1.0.0", result: "allowed", status: 201, clientAddress: "198.51.100.9" } });
  const user = await createUser();
  const mine = await makeKey(user, { name: "mine", actions: ["package:push"], subjects: ["*"] });

  await signIn(page, user, PAGE);
  for (const swap of [(b: string) => b.split(mine.id).join(theirs.id), (b: string) => b.split(mine.id).join("x".repeat(5000))]) {
    const status = await tamperNextAction(page, PAGE, swap);
    const toggle = keyRow(page, "mine").getByRole("button", { name: "Activity" });
    await toggle.click();
    expect(await status()).toBe(200);
    await expect(keyRow(page, "mine").getByRole("alert")).toHaveText("Credential not found.");
    await expect(page.getByRole("table")).toHaveCount(0);
    await expect(page.content()).resolves.not.toContain(secretId);
    await toggle.click();
  }
});
