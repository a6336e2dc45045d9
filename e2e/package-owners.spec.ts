// Package owners in Chromium (spec organizations.md §10, checklist 24–26): the Manage page's
// owners section for an organization's administrator and collaborator, immediate adds of
// organizations you administer, a request to one you don't accepted from the mailed link, the
// limits, received requests on Manage Packages, and crafted posts against another account's ids.
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createUser, e2eDb, mailsTo, signIn, tamperNextAction, type TestUser, signedInPage, expectAlert } from "./fixtures";
import { joinOrganization, makeOrganization } from "./nuget/data";

async function makePackage(ownerIds: string[]): Promise<string> {
  const packageId = `Owners.${randomBytes(4).toString("hex")}`;
  await e2eDb().packageRegistration.create({ data: { packageId, idKey: packageId.toLowerCase(), owners: { create: ownerIds.map((userId) => ({ userId })) } } });
  return packageId;
}

const ownersOf = async (packageId: string) =>
  (await e2eDb().packageOwner.findMany({ where: { registration: { idKey: packageId.toLowerCase() } }, select: { user: { select: { username: true } } } })).map((o) => o.user.username).sort();
const requestsOf = async (packageId: string) =>
  (await e2eDb().packageOwnerRequest.findMany({ where: { registration: { idKey: packageId.toLowerCase() } }, select: { newOwner: { select: { username: true } } } })).map((r) => r.newOwner.username).sort();

const owners = (page: Page) => page.getByRole("list", { name: "Current owners" });

async function addOwner(page: Page, packageId: string, username: string, message = "") {
  await page.getByLabel("Username").fill(username);
  if (message) await page.getByLabel("Message").fill(message);
  await page.getByRole("button", { name: `Add the user as an owner to ${packageId}` }).click();
}

test("organizations 24, 25: a collaborator sees the warning; an administrator adds an organization they administer at once, and another organization by a request its administrators accept from the mail", async ({ page, browser }) => {
  const db = e2eDb();
  const [alice, bob, dave, eve] = await Promise.all([createUser(), createUser(), createUser(), createUser()]);
  const org = await makeOrganization(db, alice.id);
  await joinOrganization(db, alice.id, org.username, bob, false);
  const second = await makeOrganization(db, alice.id);
  const other = await makeOrganization(db, dave.id);
  const packageId = await makePackage([org.id]);

  await test.step("24: a collaborator of the owning organization sees the permission warning, no form", async () => {
    const bobPage = await signedInPage(browser, bob, `/packages/${packageId}/Manage`);
    await expect(bobPage.getByText("You do not have permission to manage the owners of this package.")).toBeVisible();
    await expect(bobPage.getByRole("form", { name: "Add owner" })).toHaveCount(0);
  });

  await test.step("an outsider gets 404", async () => {
    const evePage = await (await browser.newContext()).newPage();
    await signIn(evePage, eve, "/account/Packages");
    const response = await evePage.goto(`/packages/${packageId}/Manage`);
    expect(response?.status()).toBe(404);
  });

  await test.step("Manage Packages: the account filter and the Manage owners link", async () => {
    await signIn(page, alice, "/account/Packages");
    const filter = page.getByRole("form", { name: "Account filter" });
    await expect(filter.getByLabel("Account").getByRole("option")).toHaveText([alice.username, org.username, second.username]);
    await filter.getByLabel("Account").selectOption(org.username);
    await filter.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(new RegExp(`owner=${org.username}`));
    await page.getByRole("link", { name: `Manage owners of ${packageId}` }).click();
    await expect(page).toHaveURL(new RegExp(`/packages/${packageId}/Manage$`));
  });

  await test.step("the owners section as nuget.org draws it", async () => {
    await expect(page.getByText("Enter a username to add them as a package owner.")).toBeVisible();
    await expect(page.getByText("Note: All package owners have full control over their packages, including the ability to remove other users as owners.")).toBeVisible();
    await expect(owners(page).getByRole("listitem", { name: org.username })).toContainText("(your organization)");
    // the only owner cannot be removed
    await expect(owners(page).getByRole("button", { name: `You cannot remove ${org.username} as owner of ${packageId} because they are the only owner or they own the only reserved namespace` })).toHaveAttribute("aria-disabled", "true");
  });

  await test.step("25: an organization you administer is added at once; the other owners are told", async () => {
    await addOwner(page, packageId, second.username);
    await expect(owners(page).getByRole("listitem", { name: second.username })).toContainText("(your organization)");
    await expect(owners(page).getByRole("listitem", { name: second.username })).not.toContainText("(pending approval)");
    expect(await ownersOf(packageId)).toEqual([org.username, second.username].sort());
    expect(mailsTo(alice.email).some((m) => m.includes(`User '${second.username}' is now an owner of the package '${packageId}'`))).toBe(true);
  });

  await test.step("25: an organization you don't administer gets a request mailed to its administrators", async () => {
    await addOwner(page, packageId, other.username, "Please co-own this");
    await expect(owners(page).getByRole("listitem", { name: other.username })).toContainText("(pending approval)");
    expect(await requestsOf(packageId)).toEqual([other.username]);
    const [mail] = mailsTo(dave.email).filter((m) => m.includes(`Subject: [NuGet Gallery] Package ownership request for '${packageId}'`));
    expect(mail).toContain(`The user '${alice.username}' would like to add your organization as an owner of the package '${packageId}'`);
    expect(mail).toContain("'Please co-own this'");
    const confirmPath = mail.match(/\/packages\/\S+\/owners\/\S+\/confirm\/\S+/)![0];

    const davePage = await signedInPage(browser, dave, confirmPath);
    // the GET changed nothing
    expect(await ownersOf(packageId)).toEqual([org.username, second.username].sort());
    await davePage.getByRole("button", { name: `Accept the request to add ${other.username} as an owner of ${packageId}` }).click();
    await expect(davePage.getByRole("status").filter({ hasText: `'${other.username}' is now an owner of the '${packageId}' package.` })).toBeVisible();
    expect(await ownersOf(packageId)).toEqual([org.username, other.username, second.username].sort());
    expect(await requestsOf(packageId)).toEqual([]);
  });

  await test.step("removing your organization asks first, in nuget.org's words", async () => {
    await page.reload();
    await owners(page).getByRole("button", { name: `Remove ${second.username} as owner of ${packageId}` }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toHaveText(/Are you sure you want to remove your organization as an owner of this package\?/);
    await dialog.getByRole("button", { name: "OK" }).click();
    await expect(owners(page).getByRole("listitem", { name: second.username })).toHaveCount(0);
    expect(await ownersOf(packageId)).toEqual([org.username, other.username].sort());
  });
});

test("organizations 26: the 16th owner and the 4th pending request are refused with nuget.org's messages", async ({ page }) => {
  const db = e2eDb();
  const alice = await createUser();
  const fillers = await Promise.all(Array.from({ length: 13 }, () => createUser()));
  const packageId = await makePackage([alice.id, ...fillers.map((f) => f.id)]);
  const [fifteenth, sixteenth] = [await makeOrganization(db, alice.id), await makeOrganization(db, alice.id)];
  await signIn(page, alice, `/packages/${packageId}/Manage`);
  await addOwner(page, packageId, fifteenth.username);
  await expect(owners(page).getByRole("listitem", { name: fifteenth.username })).toBeVisible();
  await addOwner(page, packageId, sixteenth.username);
  await expectAlert(page, "The new package owner cannot be added. The package has the maximum number of owners (15). An existing owner must be removed to proceed.");
  expect(await e2eDb().packageOwner.count({ where: { registration: { idKey: packageId.toLowerCase() } } })).toBe(15);

  const second = await makePackage([alice.id]);
  const invitees = await Promise.all([createUser(), createUser(), createUser(), createUser()]);
  await page.goto(`/packages/${second}/Manage`);
  for (const u of invitees.slice(0, 3)) {
    await addOwner(page, second, u.username);
    await expect(owners(page).getByRole("listitem", { name: u.username })).toContainText("(pending approval)");
  }
  await addOwner(page, second, invitees[3].username);
  await expectAlert(page, "The package ownership request cannot be saved. The package already has the maximum number of ownership requests (3). An existing ownership request must be removed to proceed.");
  expect(await requestsOf(second)).toEqual(invitees.slice(0, 3).map((u) => u.username).sort());

  // a pending owner's Remove cancels the request, and the user is told
  await owners(page).getByRole("button", { name: `Remove ${invitees[0].username} as owner of ${second}` }).click();
  await expect(owners(page).getByRole("listitem", { name: invitees[0].username })).toHaveCount(0);
  expect(mailsTo(invitees[0].email).some((m) => m.includes(`Package ownership request for '${second}' cancelled`))).toBe(true);
});

test("received requests on Manage Packages are accepted there; crafted posts against another account's package change nothing", async ({ page, browser }) => {
  const [owner, invitee, victim] = await Promise.all([createUser(), createUser(), createUser()]);
  const packageId = await makePackage([owner.id]);
  const victimPackage = await makePackage([victim.id]);
  const ownerPage = await signedInPage(browser, owner, `/packages/${packageId}/Manage`);
  await addOwner(ownerPage, packageId, invitee.username);
  await expect(owners(ownerPage).getByRole("listitem", { name: invitee.username })).toContainText("(pending approval)");

  await signIn(page, invitee, "/account/Packages");
  const row = page.getByRole("row", { name: `${packageId} for ${invitee.username}` });
  await expect(row).toContainText(owner.username);
  await row.getByRole("button", { name: `Accept the request to add ${invitee.username} as an owner of ${packageId}` }).click();
  await expect(page.getByRole("status").filter({ hasText: `'${invitee.username}' is now an owner of the '${packageId}' package.` })).toBeVisible();
  expect(await ownersOf(packageId)).toEqual([invitee.username, owner.username].sort());

  await test.step("a declined request is gone and its requester told", async () => {
    const another = await makePackage([owner.id]);
    await ownerPage.goto(`/packages/${another}/Manage`);
    await addOwner(ownerPage, another, invitee.username);
    await expect(owners(ownerPage).getByRole("listitem", { name: invitee.username })).toContainText("(pending approval)");
    await page.goto("/account/Packages");
    await page.getByRole("button", { name: `Decline the request to add ${invitee.username} as an owner of ${another}` }).click();
    await expect(page.getByRole("status").filter({ hasText: `The request to add '${invitee.username}' as an owner of the '${another}' package has been declined.` })).toBeVisible();
    await expect(page.getByRole("table", { name: "Received ownership requests" })).toHaveCount(0);
    expect(await requestsOf(another)).toEqual([]);
    expect(mailsTo(owner.email).some((m) => m.includes(`The user '${invitee.username}' has declined your request to add them as an owner of the package '${another}'.`))).toBe(true);
  });

  await page.goto(`/packages/${packageId}/Manage`);
  await expect(owners(page).getByRole("listitem", { name: invitee.username })).toContainText("(that's you)");

  await test.step("crafted: adding yourself to another account's package", async () => {
    const status = await tamperNextAction(page, `/packages/${packageId}/Manage`, (b) => b.split(packageId).join(victimPackage));
    await addOwner(page, packageId, invitee.username);
    expect(await status()).toBe(200);
    await expectAlert(page, "You are not the package owner.");
  });
  await test.step("crafted: removing another account's owner", async () => {
    await page.goto(`/packages/${packageId}/Manage`);
    const status = await tamperNextAction(page, `/packages/${packageId}/Manage`, (b) => b.split(packageId).join(victimPackage).split(owner.username).join(victim.username));
    await owners(page).getByRole("button", { name: `Remove ${owner.username} as owner of ${packageId}` }).click();
    expect(await status()).toBe(200);
    await expectAlert(page, "You are not the package owner.");
  });
  await test.step("crafted: an account filter naming someone else's account shows your own packages", async () => {
    await page.goto(`/account/Packages?owner=${victim.username}`);
    await expect(page.getByRole("article", { name: packageId, exact: true })).toBeVisible();
    await expect(page.getByRole("article", { name: victimPackage, exact: true })).toHaveCount(0);
  });
  expect(await ownersOf(victimPackage)).toEqual([victim.username]);
  expect(await requestsOf(victimPackage)).toEqual([]);

  await test.step("removing yourself, your only access, asks first and leaves for Manage Packages", async () => {
    await page.goto(`/packages/${packageId}/Manage`);
    await owners(page).getByRole("button", { name: `Remove ${invitee.username} as owner of ${packageId}` }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toContainText("Are you sure you want to remove yourself as an owner of this package? You will no longer be able to manage the package if you do.");
    await dialog.getByRole("button", { name: "OK" }).click();
    await expect(page).toHaveURL(/\/account\/Packages$/);
    expect(await ownersOf(packageId)).toEqual([owner.username]);
    expect((await page.goto(`/packages/${packageId}/Manage`))?.status()).toBe(404);
  });
});

test("the Manage page sends anonymous visitors to sign in with its returnUrl", async ({ page }) => {
  const packageId = await makePackage([(await createUser()).id]);
  await page.goto(`/packages/${packageId}/Manage`);
  await expect(page).toHaveURL(new RegExp(`/users/account/LogOn\\?returnUrl=%2Fpackages%2F${packageId.replace(".", "\\.")}%2FManage$`));
});
