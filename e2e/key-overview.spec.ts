// The API Keys page's security overview in Chromium (issue 14 item 6): findings from real
// pushes, the glob narrowing opening Edit prefilled, "Push only new versions", "Revoke all my
// keys" behind the page's confirmation dialog (only the user's keys, one mail), the panel hidden
// when there is nothing to report, and a crafted ?narrow= with another account's key id.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createUser, e2eDb, mailsTo, signIn, type TestUser } from "./fixtures";
import { PAGE, keyRow } from "./apikeys-states";
import { pushPackage } from "./nuget/http";
// the module hook of ./nuget/data lets `server-only` modules load here
import "./nuget/data";

const { createApiKey } = await import("@/lib/api-keys/store");

const BASE = process.env.E2E_BASE_URL!;

async function makeKey(user: TestUser, name: string, actions: string[], subjects: string[]) {
  const made = await createApiKey(e2eDb(), user.id, { name, expiresInDays: 365, ownerId: user.id, actions, subjects });
  if (!made.ok) throw new Error(made.error);
  return { id: made.key.id, plaintext: made.plaintext };
}

async function confirmDialog(page: Page, text: string) {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(text);
  await dialog.getByRole("button", { name: "OK" }).click();
}

const panel = (page: Page) => page.getByTestId("key-overview");

test("the overview reports keys from real pushes; narrowing opens Edit prefilled; push only new versions; revoke all", async ({ page }) => {
  const user = await createUser();
  const other = await createUser();
  const p = `Ov${randomBytes(3).toString("hex")}`;
  const maker = await makeKey(user, "maker", ["package:push"], [`${p}.*`]);
  for (const id of ["A", "B", "C"]) expect((await pushPackage(BASE, maker.plaintext, `${p}.${id}`, "1.0.0")).status).toBe(201);
  const wide = await makeKey(user, "wide", ["package:pushversion"], [`${p}.*`]);
  expect((await pushPackage(BASE, wide.plaintext, `${p}.B`, "2.0.0")).status).toBe(201);
  const versions = await makeKey(user, "versions", ["package:push"], [`${p}.A`]);
  expect((await pushPackage(BASE, versions.plaintext, `${p}.A`, "2.0.0")).status).toBe(201);
  await makeKey(user, "spare", ["package:push"], ["*"]);
  const theirs = await makeKey(other, "theirs", ["package:push"], ["*"]);

  await signIn(page, user, PAGE);
  await expect(panel(page).getByRole("heading", { name: "Security overview" })).toBeVisible();
  await expect(panel(page).getByTestId("overview-never-used")).toHaveText(/^spare has never been used\./);
  await expect(panel(page).getByTestId("overview-wider")).toContainText(`wide: the glob pattern ${p}.* matches 3 packages, of which 1 was pushed with it in the last 90 days.`);
  // "maker" made the three packages; "versions" may push new ones but only pushed a version
  await expect(panel(page).getByTestId("overview-push-new")).toHaveText(/^versions may push new packages but has never pushed one\./);

  // the glob narrowing: Edit of "wide" opens with the pushed id ticked and no glob
  await panel(page).getByRole("link", { name: "Narrow to the pushed package" }).click();
  await expect(page).toHaveURL(new RegExp(`narrow=${wide.id}`));
  const edit = page.getByRole("form", { name: "Edit wide" });
  await expect(edit).toBeVisible();
  await expect(edit.getByLabel("Glob Pattern")).toHaveValue("");
  await expect(edit.getByTestId("packages-counter")).toContainText("1 of 3 packages selected");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(keyRow(page, "wide")).toContainText(new RegExp(`Packages:\\s*${p}\\.B`));
  await expect(keyRow(page, "wide")).not.toContainText("Glob pattern");
  await expect(panel(page).getByTestId("overview-wider")).toHaveCount(0);

  // push only new versions
  await panel(page).getByRole("button", { name: "Push only new versions" }).click();
  await confirmDialog(page, "Are you sure you want this API key to push only new versions of existing packages?");
  await expect(panel(page).getByTestId("key-overview-message")).toHaveText("API key 'versions' now pushes only new package versions.");
  await expect(keyRow(page, "versions")).toContainText("Push only new package versions");
  await expect(panel(page).getByTestId("overview-push-new")).toHaveCount(0);

  // revoke all, behind the confirmation; Cancel changes nothing
  await panel(page).getByRole("button", { name: "Revoke all my keys" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(keyRow(page, "spare")).toHaveAttribute("data-state", "active");
  await panel(page).getByRole("button", { name: "Revoke all my keys" }).click();
  await confirmDialog(page, "Are you sure you want to revoke all your API keys?");
  await expect(panel(page).getByTestId("key-overview-message")).toHaveText("All your API keys were revoked.");
  for (const name of ["maker", "wide", "versions", "spare"]) await expect(keyRow(page, name)).toHaveAttribute("data-state", "revoked");
  await expect(panel(page).getByRole("button", { name: "Revoke all my keys" })).toHaveCount(0);
  expect(mailsTo(user.email).filter((m) => m.includes("All your API keys were revoked"))).toHaveLength(1);
  // another account's key is untouched and still pushes
  expect((await e2eDb().apiKey.findUniqueOrThrow({ where: { id: theirs.id } })).revokedAt).toBeNull();
  expect((await pushPackage(BASE, theirs.plaintext, `Other${p}`, "1.0.0")).status).toBe(201);
  // a revoked key no longer pushes
  expect((await pushPackage(BASE, maker.plaintext, `${p}.C`, "3.0.0")).status).toBe(403);

  // after a reload: nothing to report, no active key → no panel
  await page.goto(PAGE);
  await expect(keyRow(page, "spare")).toBeVisible();
  await expect(panel(page)).toHaveCount(0);
});

test("no panel without keys; a crafted ?narrow= with another account's key opens no Edit", async ({ page }) => {
  const user = await createUser();
  const other = await createUser();
  const p = `Ox${randomBytes(3).toString("hex")}`;
  const maker = await makeKey(other, "maker", ["package:push"], [`${p}.*`]);
  for (const id of ["A", "B"]) expect((await pushPackage(BASE, maker.plaintext, `${p}.${id}`, "1.0.0")).status).toBe(201);
  const wide = await makeKey(other, "wide", ["package:pushversion"], [`${p}.*`]);
  expect((await pushPackage(BASE, wide.plaintext, `${p}.B`, "2.0.0")).status).toBe(201);

  await signIn(page, user, PAGE);
  await expect(page.getByText("You don't have any API keys.")).toBeVisible();
  await expect(panel(page)).toHaveCount(0);
  await page.goto(`${PAGE}?narrow=${wide.id}`);
  await expect(page.getByText("You don't have any API keys.")).toBeVisible();
  await expect(page.getByRole("form")).toHaveCount(0);
  await expect(page.content()).resolves.not.toContain(`${p}.B`);

  // the user's own key: a garbage narrow is ignored, the page renders
  await makeKey(user, "mine", ["package:push"], ["*"]);
  await page.goto(`${PAGE}?narrow=${encodeURIComponent("'\"><x>".repeat(50))}&narrow=2`);
  await expect(keyRow(page, "mine")).toBeVisible();
  await expect(page.getByRole("form", { name: "Edit mine" })).toHaveCount(0);
});
