// The Trusted Publishing page in Chromium (issue 12, spec A3/A4): create (temporary: GitHub is
// off in e2e), edit, activate, delete, each change deleting the policy's short-lived keys; the
// ownership warning after leaving an organization; the era switch both ways (the redirect on a
// server of its own); the "replaceable by Trusted Publishing" hint after a real push; a
// keyboard-only create; crafted input: oversized fields and another account's policy id.
import { randomBytes } from "node:crypto";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { createUser, e2eDb, mailsTo, signIn, tamperNextAction, type TestUser } from "./fixtures";
import { startInstance, sqliteSite } from "./instances";
import { pushPackage } from "./nuget/http";
import { joinOrganization, makeKey, makeOrganization } from "./nuget/data";

const { createPolicy } = await import("@/lib/trusted-publishing/policies");
const { removeMember } = await import("@/lib/organizations/store");

const PAGE = "/account/trustedpublishing";
const BASE = process.env.E2E_BASE_URL!;

const policyRow = (page: Page, name: string) => page.getByRole("listitem").filter({ has: page.getByRole("heading", { name, exact: true }) });
const toggle = (page: Page, name: "Create" | "Manage") => page.getByRole("heading", { name }).getByRole("button");
const createForm = (page: Page) => page.getByRole("form", { name: "Create policy" });

async function confirmDialog(page: Page, text: string) {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(text);
  await dialog.getByRole("button", { name: "OK" }).click();
}

async function makePolicy(user: TestUser, over: Record<string, unknown> = {}, ids: { ownerId: string; repositoryId: string } | null = null) {
  const r = await createPolicy(
    e2eDb(),
    user.id,
    {
      policyName: "release",
      owner: user.username,
      publisherType: "GitHubActions",
      repositoryOwner: "contoso",
      repository: "contoso-sdk",
      workflowFile: "release.yml",
      environment: "",
      policyScopes: ["package:push"],
      policySubjects: "Contoso.*",
      ...over,
    },
    // GitHub's answer as the server would get it (GITHUB_API_BASE is off in e2e)
    { lookup: async () => ids },
  );
  if (!r.ok) throw new Error(r.error ?? JSON.stringify(r.fieldErrors));
  return r.policy;
}

/** A short-lived key as the token exchange issues it: an ApiKey linked to the policy. */
async function shortLivedKey(userId: string, policyId: string) {
  const id = randomBytes(8).toString("hex");
  return e2eDb().apiKey.create({
    data: { userId, ownerId: userId, type: "apikey.v5", name: "short-lived", lookupId: id, secretHash: id, expiresInDays: 0, expiresAt: new Date(Date.now() + 3600_000), policyId },
  });
}

test("create (temporary), the form's checks and the server's, edit, activate after it lapsed, delete: each change deletes the policy's keys", async ({ page }) => {
  const user = await createUser();
  await signIn(page, user, PAGE);
  await expect(page.getByRole("heading", { name: "Trusted Publishing", level: 1 })).toBeVisible();
  await expect(page.getByText("You don't have any Trusted Publisher Policies.")).toBeVisible();
  await expect(toggle(page, "Create")).toHaveAttribute("aria-expanded", "false");
  await expect(toggle(page, "Manage")).toHaveAttribute("aria-expanded", "true");

  await toggle(page, "Create").click();
  const form = createForm(page);
  await test.step("the page's own checks", async () => {
    await form.getByLabel("Package Owner").selectOption("");
    await form.getByRole("checkbox", { name: "Push", exact: true }).uncheck();
    await form.getByRole("button", { name: "Create" }).click();
    for (const m of ["Name is required.", "Package owner should be provided.", "Repository owner is required.", "Repository is required.", "Workflow file is required.", "At least one scope must be selected.", "At least one valid glob pattern or package must be specified."]) {
      await expect(form.getByText(m, { exact: true })).toBeVisible();
    }
    await form.getByLabel("Glob Patterns and Packages (Separate by a new line)").fill("A".repeat(1001));
    await form.getByRole("button", { name: "Create" }).click();
    await expect(form.getByText("Glob Patterns and Packages must not exceed 1000 characters.")).toBeVisible();
  });

  await test.step("the server's message for an oversized repository owner, shown under the field", async () => {
    await form.getByLabel("Policy Name").fill("release");
    await form.getByLabel("Package Owner").selectOption(user.username);
    await form.getByLabel("Repository Owner").fill("o".repeat(400));
    await form.getByLabel("Repository", { exact: true }).fill("https://github.com/contoso/contoso-sdk");
    await form.getByLabel("Workflow File").fill(".github/workflows/release.yml");
    await form.getByRole("checkbox", { name: "Push", exact: true }).check();
    await form.getByLabel("Glob Patterns and Packages (Separate by a new line)").fill("Contoso.*\nnot a valid id!\n");
    await form.getByRole("button", { name: "Create" }).click();
    await expect(form.getByText("The GitHub repository owner must be at most 39 characters.")).toBeVisible();
    expect(await e2eDb().trustedPublishingPolicy.count({ where: { createdById: user.id } })).toBe(0);
  });

  await test.step("create: normalised, temporary", async () => {
    await form.getByLabel("Repository Owner").fill("contoso");
    await form.getByRole("button", { name: "Create" }).click();
    await expect(page.getByTestId("tp-message")).toHaveText("The policy 'release' has been created.");
    const row = policyRow(page, "release");
    await expect(row.getByTestId("policy-status")).toHaveText("Use within 7 day(s) to keep it permanently active. Learn more about policies");
    await expect(row.getByTestId("policy-details")).toContainText(/Repository:\s*contoso-sdk/);
    await expect(row.getByTestId("policy-details")).toContainText(/Workflow:\s*release\.yml/);
    await expect(row.getByTestId("policy-details")).toContainText(/Glob Patterns and Packages:\s*Contoso\.\*/);
    await expect(row.getByTestId("policy-details")).toContainText(/Scopes:\s*Push new packages and package versions/);
    await expect(row.getByTestId("policy-last-use")).toHaveText(/^Last used:\s*Never used$/);
    await expect(row.getByRole("button", { name: "Activate for 7 days" })).toBeVisible();
    await expect(toggle(page, "Create")).toHaveAttribute("aria-expanded", "false");
  });
  const stored = await e2eDb().trustedPublishingPolicy.findFirstOrThrow({ where: { createdById: user.id }, include: { scopes: true } });
  expect(JSON.parse(stored.criteria)).toMatchObject({ owner: "contoso", repository: "contoso-sdk", workflow: "release.yml" });
  expect(JSON.parse(stored.criteria).repositoryId).toBeUndefined();
  expect(stored.scopes.map((s) => s.subject)).toEqual(["Contoso.*"]);

  await test.step("edit: only the allowed fields; the policy's keys are deleted", async () => {
    const key = await shortLivedKey(user.id, stored.id);
    await policyRow(page, "release").getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("form", { name: "Edit release" });
    await expect(edit.getByLabel("Repository Owner")).toHaveCount(0);
    await expect(edit.getByLabel("Package Owner")).toHaveCount(0);
    await edit.getByLabel("Policy Name").fill("shipping");
    await edit.getByLabel("Workflow File").fill("ship.yml");
    await edit.getByLabel("Unlist or relist package versions").check();
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("tp-message")).toHaveText("The policy has been saved.");
    await expect(policyRow(page, "shipping").getByTestId("policy-details")).toContainText(/Workflow:\s*ship\.yml/);
    await expect(policyRow(page, "shipping").getByTestId("policy-details")).toContainText(/Scopes:\s*Push new packages and package versions, Unlist or relist package versions/);
    expect(await e2eDb().apiKey.count({ where: { id: key.id } })).toBe(0);
  });

  await test.step("lapsed, then Activate for 7 days", async () => {
    const criteria = { ...JSON.parse((await e2eDb().trustedPublishingPolicy.findUniqueOrThrow({ where: { id: stored.id } })).criteria), validateBy: "2020-01-01T00:00:00.000Z" };
    await e2eDb().trustedPublishingPolicy.update({ where: { id: stored.id }, data: { criteria: JSON.stringify(criteria) } });
    const key = await shortLivedKey(user.id, stored.id);
    await page.reload();
    const row = policyRow(page, "shipping");
    await expect(row).toHaveAttribute("data-state", "lapsed");
    await expect(row.getByTestId("policy-status")).toHaveText("Activate and use within 7 days to keep it permanently active.");
    await row.getByRole("button", { name: "Activate for 7 days" }).click();
    await expect(row.getByTestId("policy-status")).toContainText("Use within 7 day(s) to keep it permanently active.");
    expect(await e2eDb().apiKey.count({ where: { id: key.id } })).toBe(0);
  });

  await test.step("delete, behind the confirmation", async () => {
    const key = await shortLivedKey(user.id, stored.id);
    await policyRow(page, "shipping").getByRole("button", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await expect(policyRow(page, "shipping")).toBeVisible();
    await policyRow(page, "shipping").getByRole("button", { name: "Delete" }).click();
    await confirmDialog(page, "Are you sure you want to remove the Trusted Publisher Policy?");
    await expect(page.getByTestId("tp-message")).toHaveText("The policy has been removed.");
    await expect(page.getByText("You don't have any Trusted Publisher Policies.")).toBeVisible();
    expect(await e2eDb().apiKey.count({ where: { id: key.id } })).toBe(0);
    expect(await e2eDb().auditRecord.count({ where: { target: stored.id, action: { in: ["PolicyCreate", "PolicyUpdate", "PolicyDelete"] } } })).toBe(4);
  });
});

test("an unconfirmed account sees only the confirmation warning; a policy with GitHub ids is Active and shows them", async ({ page, browser }) => {
  const unconfirmed = await createUser({ confirmed: false });
  await signIn(page, unconfirmed, PAGE);
  await expect(page.getByRole("alert").filter({ hasText: "To register a Trusted Publisher you will need to confirm your account." })).toBeVisible();
  await expect(toggle(page, "Create")).toHaveCount(0);
  await expect(toggle(page, "Manage")).toHaveCount(0);

  const user = await createUser();
  await makePolicy(user, { policyName: "permanent", environment: "production" }, { ownerId: "65", repositoryId: "74" });
  const other = await (await browser.newContext()).newPage();
  await signIn(other, user, PAGE);
  const row = policyRow(other, "permanent");
  await expect(row).toHaveAttribute("data-state", "active");
  await expect(row.getByTestId("policy-status")).toHaveText("Active");
  await expect(row.getByTestId("policy-details")).toContainText(/Repository Owner:\s*contoso #65/);
  await expect(row.getByTestId("policy-details")).toContainText(/Repository:\s*contoso-sdk #74/);
  await expect(row.getByTestId("policy-details")).toContainText(/Environment:\s*production/);
  await expect(row.getByRole("button", { name: "Activate for 7 days" })).toHaveCount(0);
});

test("crafted input: another account's policy id answers 'User is not authorized' and changes nothing", async ({ page }) => {
  const user = await createUser();
  const stranger = await createUser();
  const mine = await makePolicy(user, { policyName: "mine" });
  const theirs = await makePolicy(stranger, { policyName: "theirs" });
  const key = await shortLivedKey(stranger.id, theirs.id);
  await signIn(page, user, PAGE);
  await expect(page.getByText("theirs")).toHaveCount(0);
  const swap = (body: string) => body.split(mine.id).join(theirs.id);
  for (const [button, confirmText] of [["Activate for 7 days", null], ["Delete", "Are you sure you want to remove the Trusted Publisher Policy?"]] as const) {
    const status = await tamperNextAction(page, PAGE, swap);
    await policyRow(page, "mine").getByRole("button", { name: button }).click();
    if (confirmText) await confirmDialog(page, confirmText);
    expect(await status()).toBe(200);
    await expect(page.getByTestId("tp-error")).toHaveText("User is not authorized");
  }
  await policyRow(page, "mine").getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: "Edit mine" });
  await edit.getByLabel("Workflow File").fill("evil.yml");
  const status = await tamperNextAction(page, PAGE, swap);
  await edit.getByRole("button", { name: "Save" }).click();
  expect(await status()).toBe(200);
  await expect(edit.getByTestId("policy-form-error")).toHaveText("User is not authorized");
  const after = await e2eDb().trustedPublishingPolicy.findUniqueOrThrow({ where: { id: theirs.id } });
  expect(JSON.parse(after.criteria).workflow).toBe("release.yml");
  expect(await e2eDb().apiKey.count({ where: { id: key.id } })).toBe(1);
});

test("after leaving the owning organization: the ownership warning, no Edit or Activate, Delete still works", async ({ page }) => {
  const admin = await createUser();
  const member = await createUser();
  const org = await makeOrganization(e2eDb(), admin.id);
  await joinOrganization(e2eDb(), admin.id, org.username, member, false);
  await makePolicy(member, { policyName: "org release", owner: org.username });
  await signIn(page, member, PAGE);
  await expect(policyRow(page, "org release")).toHaveAttribute("data-state", "temporary");
  const left = await removeMember(e2eDb(), member.id, org.username, member.username);
  expect(left.ok).toBe(true);
  await page.reload();
  const row = policyRow(page, "org release");
  await expect(row).toHaveAttribute("data-state", "owner-invalid");
  await expect(row.getByTestId("policy-status")).toHaveText(`You can no longer use Trusted Publishing for ${org.username}. Learn more about policies`);
  await expect(row.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Activate for 7 days" })).toHaveCount(0);
  await row.getByRole("button", { name: "Delete" }).click();
  await confirmDialog(page, "Are you sure you want to remove the Trusted Publisher Policy?");
  await expect(page.getByText("You don't have any Trusted Publisher Policies.")).toBeVisible();
});

test("keyboard only: open Create, fill every field, create", async ({ page }) => {
  const user = await createUser();
  await signIn(page, user, PAGE);
  const tabTo = async (target: Locator) => {
    for (let i = 0; i < 60; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return;
      await page.keyboard.press("Tab");
    }
    throw new Error("never reached by Tab");
  };
  await tabTo(toggle(page, "Create"));
  await page.keyboard.press("Enter");
  const form = createForm(page);
  await expect(form).toBeVisible();
  for (const [label, value] of [
    ["Policy Name", "keyboard"],
    ["Repository Owner", "contoso"],
    ["Repository", "contoso-sdk"],
    ["Workflow File", "release.yml"],
    ["Glob Patterns and Packages (Separate by a new line)", "Contoso.*"],
  ] as const) {
    await tabTo(form.getByLabel(label, { exact: true }));
    await page.keyboard.type(value);
  }
  await tabTo(form.getByRole("button", { name: "Create" }));
  await page.keyboard.press("Enter");
  await expect(policyRow(page, "keyboard")).toBeVisible();
  expect(await e2eDb().trustedPublishingPolicy.count({ where: { createdById: user.id, name: "keyboard" } })).toBe(1);
});

test("era switch off (this server): API Keys shows the Trusted Publishing banner and no badge; ?fromApiKeys=true shows the discouraged banner linking back", async ({ page }) => {
  const user = await createUser();
  await signIn(page, user, "/account/apikeys");
  await expect(page.getByTestId("trusted-publishing-banner")).toContainText("Looking for a more secure and streamlined way to publish packages?");
  await page.getByTestId("trusted-publishing-banner").getByRole("link", { name: "Trusted Publishing" }).click();
  await expect(page).toHaveURL(/\/account\/trustedpublishing$/);
  await expect(page.getByTestId("api-keys-discouraged")).toHaveCount(0);
  await page.getByRole("button", { name: user.username }).click();
  const menu = page.getByRole("menu", { name: "User menu" });
  await expect(menu.getByRole("menuitem")).toHaveText(["View Profile", "Account Settings", "Trusted Publishing", "API Keys", "Manage Organizations", "Manage Packages", "Upload Package", "Sign Out"]);
  await expect(menu.getByTestId("not-recommended")).toHaveCount(0);
  await page.keyboard.press("Escape");
  await page.goto(`${PAGE}?fromApiKeys=true`);
  await expect(page.getByTestId("api-keys-discouraged")).toContainText("API keys are strongly discouraged for automated publishing");
  await page.getByTestId("api-keys-discouraged").getByRole("link", { name: "API keys" }).click();
  await expect(page).toHaveURL(/\/account\/apikeys\?forceApiKeys=true$/);
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
});

test("era switch on (a server of its own): /account/apikeys goes to Trusted Publishing with the banner; ?forceApiKeys=true stays; the menu's badge", async ({ page }) => {
  test.setTimeout(180_000);
  const site = await sqliteSite();
  const server = await startInstance(site, { API_KEYS_REDIRECT_TO_TRUSTED_PUBLISHING: "1", GITHUB_API_BASE: "off" });
  try {
    const user = await createUser({ db: site.db });
    await page.goto(`${server.baseUrl}/users/account/LogOn?returnUrl=${encodeURIComponent("/account/apikeys")}`);
    await page.getByLabel("Username or email").fill(user.username);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(`${server.baseUrl}/account/trustedpublishing?fromApiKeys=true`);
    await expect(page.getByTestId("api-keys-discouraged")).toContainText("API keys are strongly discouraged for automated publishing");
    await page.getByTestId("api-keys-discouraged").getByRole("link", { name: "API keys" }).click();
    await expect(page).toHaveURL(`${server.baseUrl}/account/apikeys?forceApiKeys=true`);
    await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
    await page.getByRole("button", { name: user.username }).click();
    await expect(page.getByRole("menuitem", { name: /API Keys/ }).getByTestId("not-recommended")).toHaveText("Not recommended");
    await page.getByRole("menuitem", { name: /API Keys/ }).click();
    await expect(page).toHaveURL(`${server.baseUrl}/account/trustedpublishing?fromApiKeys=true`);
  } finally {
    await server.stop();
    await site.cleanUp();
  }
});

test("a long-lived key pushing a package a policy covers: one mail, and its row says it is replaceable by Trusted Publishing", async ({ page }) => {
  const user = await createUser();
  const prefix = `Tph${randomBytes(3).toString("hex")}`;
  const key = await makeKey(user, { name: "ci key", actions: ["package:push"], subjects: ["*"] });
  const other = await makeKey(user, { name: "other key", actions: ["package:push"], subjects: ["*"] });
  await makePolicy(user, { policySubjects: `${prefix}.*` });
  // a package no policy covers: no hint
  expect((await pushPackage(BASE, other.plaintext, `Uncovered${prefix}`, "1.0.0")).status).toBe(201);
  expect((await pushPackage(BASE, key.plaintext, `${prefix}.A`, "1.0.0")).status).toBe(201);
  expect((await pushPackage(BASE, key.plaintext, `${prefix}.A`, "2.0.0")).status).toBe(201);
  const hints = () => mailsTo(user.email).filter((m) => m.includes("can be replaced by Trusted Publishing"));
  await expect.poll(() => hints().length).toBe(1);
  expect(hints()[0]).toContain("API key 'ci key' can be replaced by Trusted Publishing");
  await signIn(page, user, "/account/apikeys");
  const row = (name: string) => page.getByRole("listitem").filter({ has: page.getByRole("heading", { name, exact: true }) });
  await expect(row("ci key").getByTestId("key-tp-hint")).toContainText("replaceable by Trusted Publishing");
  await expect(row("other key").getByTestId("key-tp-hint")).toHaveCount(0);
  await row("ci key").getByTestId("key-tp-hint").getByRole("link").click();
  await expect(page).toHaveURL(/\/account\/trustedpublishing$/);
  expect(hints()).toHaveLength(1);
});
