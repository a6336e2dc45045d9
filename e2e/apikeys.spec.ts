// The API Keys page in Chromium: the acceptance checklist of spec §1–§2 (items noted per test).
import { expect, test, type Page } from "@playwright/test";
import { createUser, e2eDb, mailsTo, signIn, tamperNextAction, type TestUser } from "./fixtures";
import { insertTestKey } from "@/tests/api-keys";
import { authenticate } from "./nuget/data";
import { PAGE, createForm, keyRow, sectionToggle } from "./apikeys-states";

const KEY_RE = /^oy2[a-z2-7]{43}$/;
const DAY = 86_400_000;

async function seedPackages(user: TestUser, ids: string[]) {
  for (const id of ids) {
    await e2eDb().packageRegistration.create({
      data: { packageId: id, idKey: id.toLowerCase(), owners: { create: { userId: user.id } } },
    });
  }
}

const toggle = sectionToggle;
const row = keyRow;

async function openCreate(page: Page) {
  await toggle(page, "Create").click();
  await expect(createForm(page)).toBeVisible();
}

async function signedIn(page: Page, opts: { confirmed?: boolean; packages?: string[] } = {}) {
  const user = await createUser({ confirmed: opts.confirmed });
  if (opts.packages) await seedPackages(user, opts.packages);
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, user, PAGE);
  return user;
}

async function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

async function confirmDialog(page: Page, text: string) {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(text);
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(dialog).toBeHidden();
}

test("1: anonymous visitors are sent to sign-in with a returnUrl", async ({ page }) => {
  await page.goto(PAGE);
  await expect(page).toHaveURL(/\/users\/account\/LogOn\?returnUrl=%2Faccount%2Fapikeys$/);
});

test("3: an unconfirmed user sees the confirm message and no Create or Manage", async ({ page }) => {
  await signedIn(page, { confirmed: false });
  await expect(page.getByText("To get an API Key you will need to confirm your account.")).toBeVisible();
  await expect(page.getByRole("link", { name: "confirm your account" })).toHaveAttribute("href", "/account/confirm");
  await expect(page.getByRole("heading", { name: "Create" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Manage" })).toHaveCount(0);
});

test("4, 6, 9, 10, 12, 13, 35: page frame and the wizard's defaults", async ({ page }) => {
  const user = await signedIn(page);
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText(user.username);
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await expect(page.getByText("An API key is a token that can identify you to NuGet Gallery.")).toBeVisible();
  await expect(page.getByText("Always keep your API keys a secret! If an API key is ever exposed, revoke it immediately")).toBeVisible();
  // Create collapsed with "+", Manage expanded with "−"
  await expect(toggle(page, "Create")).toHaveAttribute("aria-expanded", "false");
  await expect(toggle(page, "Create").getByTestId("collapse-icon")).toHaveText("+");
  await expect(toggle(page, "Manage")).toHaveAttribute("aria-expanded", "true");
  await expect(toggle(page, "Manage").getByTestId("collapse-icon")).toHaveText("−");
  await expect(page.getByText("You don't have any API keys.")).toBeVisible();

  await openCreate(page);
  await expect(toggle(page, "Create").getByTestId("collapse-icon")).toHaveText("−");
  const expires = page.getByLabel("Expires In");
  await expect(expires.locator("option")).toHaveText(["1 day", "90 days", "180 days", "270 days", "365 days"]);
  await expect(expires).toHaveValue("365");
  // one eligible owner: pre-selected; the placeholder and message exist for none
  const owner = page.getByLabel("Package Owner");
  await expect(owner).toHaveValue(user.username);
  await expect(owner.locator("option").first()).toHaveText("Select an owner...");
  await owner.selectOption("");
  await expect(page.getByText("A package owner must be selected.")).toBeVisible();
  await owner.selectOption(user.username);
  await expect(page.getByText("A package owner must be selected.")).toHaveCount(0);

  // Push ticked with "Push new packages…"; the radios are exclusive and nested under Push
  const push = page.getByRole("checkbox", { name: "Push", exact: true });
  const pushNew = page.getByRole("radio", { name: "Push new packages and package versions" });
  const pushVersion = page.getByRole("radio", { name: "Push only new package versions" });
  await expect(push).toBeChecked();
  await expect(pushNew).toBeChecked();
  await pushVersion.check();
  await expect(pushNew).not.toBeChecked();
  await expect(page.getByRole("radiogroup", { name: "Push" }).getByRole("radio")).toHaveCount(2);
  await expect(page.getByRole("checkbox", { name: "Unlist or relist package versions" })).not.toBeChecked();

  // 13: no scope → message, Create and Cancel disabled
  await push.uncheck();
  await expect(page.getByText("At least one scope must be selected.")).toBeVisible();
  await expect(createForm(page).getByRole("button", { name: "Create" })).toBeDisabled();
  await expect(createForm(page).getByRole("button", { name: "Cancel" })).toBeDisabled();
  await page.getByRole("checkbox", { name: "Unlist or relist package versions" }).check();
  await expect(createForm(page).getByRole("button", { name: "Create" })).toBeEnabled();
});

test("5, 14, 15, 17: client messages; invalid requests create nothing", async ({ page }) => {
  const user = await signedIn(page, { packages: ["Only.Package"] });
  await openCreate(page);
  const form = createForm(page);
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByText("The key name is required.")).toBeVisible();
  await expect(page.getByText("Either a glob pattern must be specified or at least one package ID must be selected.")).toBeVisible();
  // whitespace only is no name either
  await page.getByLabel("Key Name").fill("   ");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByText("The key name is required.")).toBeVisible();

  for (const bad of ["has space", "what?"]) {
    await page.getByLabel("Glob Pattern").fill(bad);
    await expect(page.getByText("Invalid glob pattern. See the example glob patterns below for further details.")).toBeVisible();
  }
  await page.getByLabel("Glob Pattern").fill("Only.*");
  await expect(page.getByText("Invalid glob pattern.")).toHaveCount(0);

  // 17: changing the owner resets subject errors and reloads the packages
  await page.getByLabel("Glob Pattern").fill("");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByText("Either a glob pattern must be specified")).toBeVisible();
  await page.getByLabel("Package Owner").selectOption("");
  await page.getByLabel("Package Owner").selectOption(user.username);
  await expect(page.getByText("Either a glob pattern must be specified")).toHaveCount(0);
  await expect(page.getByRole("checkbox", { name: "Only.Package" })).toBeVisible();
  expect(await e2eDb().apiKey.count({ where: { userId: user.id } })).toBe(0);
});

test("8: a request above 365 days is clamped to 365, 0 means 365", async ({ page }) => {
  const user = await signedIn(page);
  for (const [i, crafted] of ["1000", "0"].entries()) {
    await openCreate(page);
    // a hand-made request: the select's option carries a value the page never offers
    await page.getByLabel("Expires In").evaluate((el: HTMLSelectElement, v) => (el.options[0].value = v), crafted);
    await page.getByLabel("Expires In").selectOption(crafted);
    await page.getByLabel("Key Name").fill(`crafted ${i}`);
    await page.getByLabel("Glob Pattern").fill("*");
    await createForm(page).getByRole("button", { name: "Create" }).click();
    await expect(row(page, `crafted ${i}`)).toBeVisible();
  }
  const keys = await e2eDb().apiKey.findMany({ where: { userId: user.id } });
  expect(keys.map((k) => k.expiresInDays)).toEqual([365, 365]);
});

test("16, 18: glob preview ticks and greys matches (case-insensitive), counter, request = glob + unmatched ticks", async ({ page }) => {
  const user = await signedIn(page, { packages: ["Fabrikam.Lib", "Contoso.Lib", "contoso.Api", "Alpha", "Contoso"] });
  await openCreate(page);
  const list = page.getByRole("group", { name: "Available Packages" });
  await expect(list.getByRole("checkbox")).toHaveCount(5);
  await expect(list.locator("label")).toHaveText(["Alpha", "Contoso", "contoso.Api", "Contoso.Lib", "Fabrikam.Lib"]);
  const counter = page.getByTestId("packages-counter");
  await expect(counter).toHaveText("0 of 5 packages selected");

  await list.getByRole("checkbox", { name: "Contoso.Lib" }).check();
  await list.getByRole("checkbox", { name: "Alpha" }).check();
  await expect(counter).toHaveText("2 of 5 packages selected");
  await page.getByLabel("Glob Pattern").fill("CONTOSO.*");
  for (const id of ["contoso.Api", "Contoso.Lib"]) {
    await expect(list.getByRole("checkbox", { name: id })).toBeChecked();
    await expect(list.getByRole("checkbox", { name: id })).toBeDisabled();
  }
  await expect(list.getByRole("checkbox", { name: "Contoso", exact: true })).not.toBeChecked();
  await expect(counter).toHaveText("3 of 5 packages selected");
  await list.getByRole("checkbox", { name: "Fabrikam.Lib" }).check();
  await expect(counter).toHaveText("4 of 5 packages selected");
  // the filter box narrows the view, never the selection
  await page.getByLabel("Filter packages").fill("fab");
  await expect(list.getByRole("checkbox")).toHaveCount(1);
  await expect(counter).toHaveText("4 of 5 packages selected");

  await page.getByLabel("Key Name").fill("glob key");
  await createForm(page).getByRole("button", { name: "Create" }).click();
  await expect(row(page, "glob key")).toBeVisible();
  const key = await e2eDb().apiKey.findFirstOrThrow({ where: { userId: user.id }, include: { scopes: true } });
  expect(key.scopes.map((s) => s.subject).sort()).toEqual(["Alpha", "CONTOSO.*", "Fabrikam.Lib"]);
  expect(key.scopes.every((s) => s.action === "package:push")).toBe(true);
});

test("19–25, 56: create, show once, copy, never stored; mail and audit", async ({ page }) => {
  const consoleErrors: string[] = [];
  // (the browser's own favicon request 404s on this branch: not the page's doing)
  page.on("console", (m) => void (m.type() === "error" && !m.text().startsWith("Failed to load resource") && consoleErrors.push(m.text())));
  page.on("pageerror", (e) => consoleErrors.push(e.message));
  page.on("response", (r) => void (r.status() === 404 && consoleErrors.push(`404 ${r.url()}`)));
  const user = await signedIn(page, { packages: ["My.Package"] });
  await insertTestKey(e2eDb(), { userId: user.id, name: "older key", createdAt: new Date(Date.now() - 5 * DAY) });
  await page.reload();
  await openCreate(page);
  await page.getByLabel("Key Name").fill("ci key");
  await page.getByLabel("Expires In").selectOption("90");
  await page.getByRole("checkbox", { name: "Unlist or relist package versions" }).check();
  await page.getByRole("checkbox", { name: "My.Package" }).check();
  await createForm(page).getByRole("button", { name: "Create" }).click();

  await expect(page.getByTestId("created-banner")).toHaveText(
    "A new API key has been created. Make sure to copy your new API key now using the Copy button below. You will not be able to do so again.",
  );
  // form reset and collapsed; the new key on top
  await expect(createForm(page)).toHaveCount(0);
  await expect(toggle(page, "Create")).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByRole("list", { name: "API keys" }).getByRole("heading")).toHaveText(["ci key", "older key"]);
  const newRow = row(page, "ci key");
  await expect(newRow.getByRole("img", { name: "New API key" })).toBeVisible();

  await newRow.getByRole("button", { name: "Copy" }).click();
  await expect(newRow.getByText("Copied.")).toBeVisible();
  await expect(newRow.getByText("Copied.")).toBeHidden({ timeout: 2500 });
  const plaintext = await clipboard(page);
  expect(plaintext).toMatch(KEY_RE);
  await expect(row(page, "older key").getByRole("button", { name: "Copy" })).toHaveCount(0);

  // 20: never rendered, not in the URL or storage
  expect(await page.content()).not.toContain(plaintext);
  expect(page.url()).not.toContain(plaintext);
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(storage).not.toContain(plaintext);

  // 23: only the lookup id and a hash are stored; nothing in any table holds the value
  const key = await e2eDb().apiKey.findFirstOrThrow({ where: { userId: user.id, name: "ci key" }, include: { scopes: true } });
  expect(key.expiresInDays).toBe(90);
  expect(JSON.stringify(key)).not.toContain(plaintext.slice(16));
  const audits = await e2eDb().auditRecord.findMany({ where: { actorId: user.id } });
  expect(JSON.stringify(audits)).not.toContain(plaintext.slice(16));
  // 24: the same key in upper case authenticates
  expect(await authenticate(e2eDb(), plaintext.toUpperCase())).toMatchObject({ ok: true, key: { id: key.id } });
  // 56: audit with owner, subjects, actions
  const add = audits.find((a) => a.action === "AddCredential" && a.target === key.id);
  expect(JSON.parse(add!.details!)).toMatchObject({ owner: user.username, subjects: ["My.Package"], actions: ["package:push", "package:unlist"] });
  // 25: mail naming the key
  await expect
    .poll(() => mailsTo(user.email).filter((m) => m.includes("Subject: [NuGet Gallery] API key added to your account")).length)
    .toBe(1);
  expect(mailsTo(user.email).some((m) => m.includes("API key 'ci key' was added to your account and can now be used."))).toBe(true);

  // reopened form is empty again
  await openCreate(page);
  await expect(page.getByLabel("Key Name")).toHaveValue("");
  await expect(page.getByLabel("Expires In")).toHaveValue("365");
  await toggle(page, "Create").click();

  // 21: after a reload the value is gone for good
  await page.reload();
  await expect(row(page, "ci key")).toBeVisible();
  await expect(page.getByRole("button", { name: "Copy" })).toHaveCount(0);
  await expect(page.getByTestId("created-banner")).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test("21: ten idle minutes drop the value and the banner", async ({ page }) => {
  await page.clock.install();
  await signedIn(page);
  await openCreate(page);
  await page.getByLabel("Key Name").fill("idle key");
  await page.getByLabel("Glob Pattern").fill("*");
  await createForm(page).getByRole("button", { name: "Create" }).click();
  await expect(row(page, "idle key").getByRole("button", { name: "Copy" })).toBeVisible();
  await page.clock.fastForward("09:00");
  await expect(row(page, "idle key").getByRole("button", { name: "Copy" })).toBeVisible();
  await page.clock.fastForward("01:01");
  await expect(row(page, "idle key").getByRole("button", { name: "Copy" })).toHaveCount(0);
  await expect(page.getByTestId("created-banner")).toHaveCount(0);
});

test("20: Copy works on plain http without navigator.clipboard (execCommand fallback)", async ({ page }) => {
  await page.addInitScript(() => {
    // what a non-secure origin looks like: no async clipboard API
    (window as unknown as { __clip: Clipboard }).__clip = navigator.clipboard;
    Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined, configurable: true });
  });
  await signedIn(page);
  await openCreate(page);
  await page.getByLabel("Key Name").fill("fallback key");
  await page.getByLabel("Glob Pattern").fill("*");
  await createForm(page).getByRole("button", { name: "Create" }).click();
  const r = row(page, "fallback key");
  await r.getByRole("button", { name: "Copy" }).click();
  await expect(r.getByText("Copied.")).toBeVisible();
  const copied = await page.evaluate(() => (window as unknown as { __clip: Clipboard }).__clip.readText());
  expect(copied).toMatch(KEY_RE);
  expect(await page.locator("textarea").count()).toBe(0);
});

test("26, 36: a row reads like nuget.org's, any number of keys, newest first", async ({ page }) => {
  const user = await createUser();
  const ids = ["Pkg.A", "Pkg.B", "Pkg.C", "Pkg.D", "Pkg.E"];
  await seedPackages(user, ids);
  for (let i = 0; i < 24; i++) await insertTestKey(e2eDb(), { userId: user.id, name: `bulk ${i}`, createdAt: new Date(Date.now() - (30 + i) * DAY) });
  await insertTestKey(e2eDb(), { userId: user.id, name: "rich", actions: ["package:unlist", "package:pushversion"], subjects: ["Pkg.*", ...ids] });
  await signIn(page, user, PAGE);
  const headings = page.getByRole("list", { name: "API keys" }).getByRole("heading");
  await expect(headings).toHaveCount(25);
  await expect(headings.first()).toHaveText("rich");
  await expect(headings.nth(1)).toHaveText("bulk 0");
  const r = row(page, "rich");
  await expect(r).toContainText("Expires in a year");
  await expect(r).toContainText("Push only new package versions, Unlist or relist package versions");
  await expect(r).toContainText(`Package owner:${user.username}`);
  await expect(r).toContainText("Packages:Pkg.A, Pkg.B, Pkg.C, more...");
  await expect(r).not.toContainText("Pkg.D");
  await r.getByRole("button", { name: "more..." }).click();
  await expect(r).toContainText("Packages:Pkg.A, Pkg.B, Pkg.C, Pkg.D, Pkg.E");
  await expect(r).toContainText("Glob pattern:Pkg.*");
  await expect(r).toContainText("Created:");
  await expect(r).toContainText("Never used");
});

test("27: expired keys show Expired, the expired icon and banner, and no Revoke", async ({ page }) => {
  const user = await createUser();
  await insertTestKey(e2eDb(), { userId: user.id, name: "old one", expiresAt: new Date(Date.now() - DAY), createdAt: new Date(Date.now() - 10 * DAY) });
  await signIn(page, user, PAGE);
  const r = row(page, "old one");
  await expect(r).toContainText("Expired");
  await expect(r.getByRole("img", { name: "Expired API key" })).toBeVisible();
  await expect(page.getByTestId("expired-banner")).toHaveText("Your API key 'old one' has expired.");
  await expect(r.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await insertTestKey(e2eDb(), { userId: user.id, name: "older one", expiresAt: new Date(Date.now() - 2 * DAY), createdAt: new Date(Date.now() - 20 * DAY) });
  await page.reload();
  await expect(page.getByTestId("expired-banner")).toHaveText("Your API keys 'old one' and 'older one' have expired.");
});

test("29, 56: edit changes only the packages", async ({ page }) => {
  const user = await createUser();
  await seedPackages(user, ["Edit.A", "Edit.B"]);
  const { id, plaintext } = await insertTestKey(e2eDb(), { userId: user.id, name: "editable", actions: ["package:push", "package:unlist"], subjects: ["Edit.A"] });
  const before = await e2eDb().apiKey.findUniqueOrThrow({ where: { id } });
  await signIn(page, user, PAGE);
  const r = row(page, "editable");
  await r.getByRole("button", { name: "Edit" }).click();
  const panel = page.getByRole("form", { name: "Edit editable" });
  await expect(panel.getByText("Select Packages")).toBeVisible();
  await expect(panel.getByLabel("Key Name")).toHaveCount(0);
  await expect(panel.getByLabel("Expires In")).toHaveCount(0);
  await expect(panel.getByRole("button", { name: "Save" })).toBeVisible();
  await expect(panel.getByRole("button", { name: "Cancel" })).toBeVisible();
  await expect(panel.getByRole("checkbox", { name: "Edit.A" })).toBeChecked();
  // nothing selected is refused on the client
  await panel.getByRole("checkbox", { name: "Edit.A" }).uncheck();
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel.getByText("Either a glob pattern must be specified or at least one package ID must be selected.")).toBeVisible();
  await panel.getByRole("checkbox", { name: "Edit.B" }).check();
  await panel.getByLabel("Glob Pattern").fill("Other.*");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel).toHaveCount(0);
  await expect(r).toContainText("Packages:Edit.B");
  await expect(r).toContainText("Glob pattern:Other.*");

  const after = await e2eDb().apiKey.findUniqueOrThrow({ where: { id }, include: { scopes: true } });
  expect([after.lookupId, after.secretHash, after.expiresAt.getTime(), after.ownerId]).toEqual([
    before.lookupId,
    before.secretHash,
    before.expiresAt.getTime(),
    before.ownerId,
  ]);
  expect(after.scopes.map((s) => `${s.action} ${s.subject}`).sort()).toEqual([
    "package:push Edit.B",
    "package:push Other.*",
    "package:unlist Edit.B",
    "package:unlist Other.*",
  ]);
  expect(await authenticate(e2eDb(), plaintext)).toMatchObject({ ok: true, key: { id } });
  const audit = await e2eDb().auditRecord.findFirstOrThrow({ where: { actorId: user.id, action: "EditCredential" } });
  expect(JSON.parse(audit.details!)).toMatchObject({ owner: user.username, subjects: ["Other.*", "Edit.B"] });
});

test("30, 31, 34, 56: regenerate (also revoked and expired keys) from the keyboard", async ({ page }) => {
  const user = await createUser();
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const revoked = await insertTestKey(e2eDb(), {
    userId: user.id,
    name: "rotated",
    actions: ["package:pushversion"],
    subjects: ["A.*", "B"],
    expiresInDays: 90,
    createdAt: new Date(Date.now() - 200 * DAY),
    expiresAt: new Date(Date.now() - 110 * DAY),
    revokedAt: new Date(Date.now() - 120 * DAY),
  });
  await signIn(page, user, PAGE);
  const r = row(page, "rotated");
  await expect(r).toContainText("Revoked");
  // Cancel (Escape) changes nothing
  await r.getByRole("button", { name: "Regenerate" }).click();
  await expect(page.getByRole("dialog")).toContainText("Are you sure you want to regenerate the API key?");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  expect(await e2eDb().apiKey.count({ where: { id: revoked.id } })).toBe(1);
  // OK from the keyboard (focus starts on OK)
  await r.getByRole("button", { name: "Regenerate" }).click();
  await expect(page.getByRole("dialog")).toContainText("Are you sure you want to regenerate the API key?");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("regenerated-banner")).toHaveText(
    "Your API key has been regenerated. Make sure to copy your new API key now using the Copy button below. You will not be able to do so again.",
  );
  const fresh = row(page, "rotated");
  await expect(fresh).toContainText("Expires in 3 months");
  await fresh.getByRole("button", { name: "Copy" }).click();
  const plaintext = await clipboard(page);
  expect(plaintext).toMatch(KEY_RE);
  // regenerate replaces the row: the old key is unknown now, the new one works
  expect(await authenticate(e2eDb(), revoked.plaintext)).toEqual({ ok: false, failure: "not-found" });
  const keys = await e2eDb().apiKey.findMany({ where: { userId: user.id }, include: { scopes: true } });
  expect(keys).toHaveLength(1);
  expect(await authenticate(e2eDb(), plaintext)).toMatchObject({ ok: true, key: { id: keys[0].id } });
  expect(keys[0]).toMatchObject({ name: "rotated", ownerId: user.id, expiresInDays: 90, revokedAt: null });
  expect(Math.abs(keys[0].expiresAt.getTime() - (Date.now() + 90 * DAY))).toBeLessThan(60_000);
  expect(keys[0].scopes.map((s) => `${s.action} ${s.subject}`).sort()).toEqual(["package:pushversion A.*", "package:pushversion B"]);
  // sign-in writes its own audit rows; the key's are the credential ones
  const audits = await e2eDb().auditRecord.findMany({ where: { actorId: user.id, action: { endsWith: "Credential" } }, orderBy: { createdAt: "asc" } });
  expect(audits.map((a) => a.action).sort()).toEqual(["AddCredential", "RemoveCredential"]);
  expect(JSON.stringify(audits)).not.toContain(plaintext.slice(16));
});

test("32, 56: delete asks, removes the row and the scopes, mails", async ({ page }) => {
  const user = await createUser();
  const key = await insertTestKey(e2eDb(), { userId: user.id, name: "doomed" });
  await signIn(page, user, PAGE);
  await row(page, "doomed").getByRole("button", { name: "Delete" }).click();
  await confirmDialog(page, "Are you sure you want to remove the API key?");
  await expect(row(page, "doomed")).toHaveCount(0);
  await expect(page.getByText("You don't have any API keys.")).toBeVisible();
  expect(await e2eDb().apiKey.count({ where: { id: key.id } })).toBe(0);
  expect(await e2eDb().apiKeyScope.count({ where: { apiKeyId: key.id } })).toBe(0);
  const audit = await e2eDb().auditRecord.findFirstOrThrow({ where: { target: key.id, action: "RemoveCredential" } });
  expect(JSON.parse(audit.details!)).toMatchObject({ owner: user.username, subjects: ["*"], actions: ["package:push"] });
  await expect
    .poll(() => mailsTo(user.email).some((m) => m.includes("Subject: [NuGet Gallery] API key removed from your account") && m.includes("API key 'doomed' was removed")))
    .toBe(true);
});

test("33, 56: revoke asks, the row stays Revoked (moved to the top) with the banner, mail, key dead", async ({ page }) => {
  const user = await createUser();
  const key = await insertTestKey(e2eDb(), { userId: user.id, name: "leaky", createdAt: new Date(Date.now() - DAY) });
  await insertTestKey(e2eDb(), { userId: user.id, name: "newer" });
  await signIn(page, user, PAGE);
  const names = page.getByRole("list", { name: "API keys" }).getByRole("heading");
  await expect(names).toHaveText(["newer", "leaky"]);
  const r = row(page, "leaky");
  await r.getByRole("button", { name: "Revoke" }).click();
  await confirmDialog(page, "Are you sure you want to revoke the API key?");
  await expect(r).toContainText("Revoked");
  await expect(r.getByRole("img", { name: "Revoked API key" })).toBeVisible();
  await expect(r.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await expect(names).toHaveText(["leaky", "newer"]);
  await expect(page.getByTestId("revoked-banner")).toContainText("Your API key 'leaky' has been revoked. Please check the email from");
  expect(await authenticate(e2eDb(), key.plaintext)).toEqual({ ok: false, failure: "revoked", keyName: "leaky", keyId: key.id });
  const audit = await e2eDb().auditRecord.findFirstOrThrow({ where: { target: key.id, action: "RevokeCredential" } });
  expect(JSON.parse(audit.details!)).toMatchObject({ source: "User", owner: user.username });
  await expect
    .poll(() => mailsTo(user.email).some((m) => m.includes("Subject: [NuGet Gallery] API Key 'leaky' Revoked") && m.includes("Your API Key 'leaky' has been revoked.")))
    .toBe(true);
});

test("error banners: an action on a key that vanished shows nuget.org's generic error", async ({ page }) => {
  const user = await createUser();
  const key = await insertTestKey(e2eDb(), { userId: user.id, name: "vanishing" });
  await signIn(page, user, PAGE);
  await e2eDb().apiKey.delete({ where: { id: key.id } });
  await row(page, "vanishing").getByRole("button", { name: "Revoke" }).click();
  await confirmDialog(page, "Are you sure you want to revoke the API key?");
  await expect(page.getByTestId("api-keys-error")).toHaveText("An error occurred while revoking the API key. Please try again.");
});

/** Replaces the value of a single-valued multipart field whose name ends with `field`. */
const setField = (field: string, value: string) => (body: string) =>
  body.replace(new RegExp(`(name="[^"]*${field}"\\r\\n\\r\\n)[^\\r]*`), (_m, head: string) => head + value);

test("bad input: every crafted create request is refused with a clear message, no 500, nothing stored", async ({ page }) => {
  const stranger = await createUser();
  await seedPackages(stranger, ["Their.Pkg"]);
  const user = await signedIn(page, { packages: ["Mine.Pkg"] });
  const cases: [string, (body: string) => string, string][] = [
    // nuget.org's server texts (GenerateApiKey), not the page's "The key name is required."
    ["blank name", setField("name", "   "), "Can't generate an API key without a description."],
    ["blank owner", setField("owner", ""), "You must specify a package owner to generate an API key."],
    ["overlong name", setField("name", "n".repeat(257)), "The key name must be at most 256 characters."],
    ["unknown expiry", setField("expiresInDays", "7"), "API key expiration must be 1, 90, 180, 270, or 365 days."],
    ["someone else as owner", setField("owner", stranger.username), "The current user does not have permission to create an ApiKey with the specified owner or scopes."],
    ["no scope", (b) => b.replace(/\r\n--[^\r]+\r\nContent-Disposition: form-data; name="[^"]*actions"\r\n\r\n[^\r]*/g, ""), "At least one scope must be selected."],
    ["a scope that does not exist", (b) => b.replace("package:push", "package:all"), "The current user does not have permission to create an ApiKey with the specified owner or scopes."],
    ["empty package selection", (b) => b.replace(/\r\n--[^\r]+\r\nContent-Disposition: form-data; name="[^"]*subjects"\r\n\r\n[^\r]*/g, ""), "Either a glob pattern must be specified or at least one package ID must be selected."],
    ["a glob with other characters", (b) => b.replace("Craft.*", "Cr aft/*"), "Invalid glob pattern. See the example glob patterns below for further details."],
    ["a package the owner does not own", (b) => b.replace("Mine.Pkg", "Their.Pkg"), "The selected package owner does not own one or more of the selected packages."],
  ];
  for (const [what, rewrite, message] of cases) {
    await test.step(what, async () => {
      await openCreate(page);
      await page.getByLabel("Key Name").fill("crafted");
      await page.getByLabel("Glob Pattern").fill("Craft.*");
      await page.getByRole("checkbox", { name: "Mine.Pkg" }).check();
      const status = await tamperNextAction(page, PAGE, rewrite);
      await createForm(page).getByRole("button", { name: "Create" }).click();
      expect(await status()).toBe(200);
      await expect(createForm(page).getByText(message)).toBeVisible();
      await toggle(page, "Create").click();
    });
  }
  expect(await e2eDb().apiKey.count({ where: { userId: user.id } })).toBe(0);
});

test("bad input: a bound key id of someone else's key answers like a missing key and changes nothing", async ({ page }) => {
  const stranger = await createUser();
  const theirs = await insertTestKey(e2eDb(), { userId: stranger.id, name: "not yours" });
  const theirHash = (await e2eDb().apiKey.findUniqueOrThrow({ where: { id: theirs.id } })).secretHash;
  const user = await signedIn(page);
  const mine = await insertTestKey(e2eDb(), { userId: user.id, name: "mine" });
  await page.reload();
  const swap = (b: string) => b.split(mine.id).join(theirs.id);
  for (const [button, message, error] of [
    ["Regenerate", "Are you sure you want to regenerate the API key?", "An error occurred while regenerating the API key. Please try again."],
    ["Revoke", "Are you sure you want to revoke the API key?", "An error occurred while revoking the API key. Please try again."],
    ["Delete", "Are you sure you want to remove the API key?", "An error occurred while deleting the API key. Please try again."],
  ] as const) {
    await test.step(button, async () => {
      const status = await tamperNextAction(page, PAGE, swap);
      await row(page, "mine").getByRole("button", { name: button }).click();
      await confirmDialog(page, message);
      expect(await status()).toBe(200);
      await expect(page.getByTestId("api-keys-error")).toHaveText(error);
    });
  }
  await test.step("Edit", async () => {
    await row(page, "mine").getByRole("button", { name: "Edit" }).click();
    const panel = page.getByRole("form", { name: "Edit mine" });
    await panel.getByLabel("Glob Pattern").fill("Other.*");
    const status = await tamperNextAction(page, PAGE, swap);
    await panel.getByRole("button", { name: "Save" }).click();
    expect(await status()).toBe(200);
    await expect(page.getByTestId("api-keys-error")).toHaveText("An error occurred while editing an API key. Please try again.");
  });
  const after = await e2eDb().apiKey.findUniqueOrThrow({ where: { id: theirs.id }, include: { scopes: true } });
  expect(after).toMatchObject({ revokedAt: null, secretHash: theirHash });
  expect(after.scopes.map((s) => s.subject)).toEqual(["*"]);
  expect(await authenticate(e2eDb(), theirs.plaintext)).toMatchObject({ ok: true, key: { id: theirs.id } });
  expect(await authenticate(e2eDb(), mine.plaintext)).toMatchObject({ ok: true, key: { id: mine.id } });
});

test("beyond nuget.org: the page names this feed's package source, and that source is a working service index", async ({ page, request }) => {
  await signedIn(page);
  const section = page.getByRole("region", { name: "Using your API key" });
  const source = `${new URL(page.url()).origin}/v3/index.json`;
  await expect(section).toContainText(`Package source: ${source}`);
  await expect(section).toContainText(`dotnet nuget push MyPackage.1.0.0.nupkg --api-key <your key> --source ${source}`);
  const index = await (await request.get(source)).json();
  expect(index.resources.some((r: { "@type": string }) => r["@type"] === "PackagePublish/2.0.0")).toBe(true);
});
