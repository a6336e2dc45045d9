// The organization settings page in Chromium (spec organizations.md §3, §5, §12, §16; checklist
// 4, 5, 16, 17, 22, 23): confirming by the mailed link, the email and notification settings, what
// a collaborator gets (read-only sections, 403 on crafted posts), deleting with its blockers and
// flash, and an expired invitation sent again.
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createUser, e2eDb, mailsTo, signIn, tamperNextAction, type TestUser, signedInPage, expectAlert, expectStatus } from "./fixtures";
import { PAGE as KEYS_PAGE, createForm, keyRow, sectionToggle } from "./apikeys-states";
import { joinOrganization, makeOrganization } from "./nuget/data";

async function confirmDialog(page: Page, text: string) {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(text);
  await dialog.getByRole("button", { name: "OK" }).click();
}

/** The newest organization confirmation link mailed to `email`, as a path. */
function confirmationPath(email: string): string {
  const links = mailsTo(email).flatMap((m) => m.match(/https?:\/\/\S+\/organization\/\S+\/Confirm\?token=\S+/g) ?? []);
  expect(links.length).toBeGreaterThan(0);
  return links.at(-1)!.replace(/^https?:\/\/[^/]+/, "");
}

/** Creates an organization through /organization/add; `confirm` follows the mailed link. */
async function addOrganization(page: Page, { confirm = true } = {}): Promise<{ name: string; id: string; email: string }> {
  const name = `Org.${randomBytes(4).toString("hex")}`;
  const email = `${name.toLowerCase()}@org.test`;
  await page.goto("/organization/add");
  await page.getByLabel("Organization Name").fill(name);
  await page.getByLabel("Organization Email Address").fill(email);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/organization/${name.replace(/\./g, "\\.")}$`));
  const org = await e2eDb().user.findFirstOrThrow({ where: { usernameKey: name.toLowerCase() }, select: { id: true } });
  if (confirm) {
    await page.goto(confirmationPath(email));
    await expect(page.getByRole("heading", { name: "Organization confirmed" })).toBeVisible();
    await page.goto(`/organization/${name}`);
  }
  return { name, id: org.id, email };
}

const section = (page: Page, heading: string) => page.getByRole("region", { name: heading, exact: true });

test("organizations 3, 4, 5, 17: confirm by the mailed link; change the email and the notifications; a collaborator sees them read-only and is refused", async ({ page, browser }) => {
  const alice = await createUser();
  const bob = await createUser();
  await signIn(page, alice, "/account/Organizations");
  const org = await addOrganization(page, { confirm: false });

  await test.step("3: the unconfirmed organization's notices and its ConfirmationRequired page", async () => {
    await expect(page.getByText("Your organization needs to be confirmed before you can upload any packages to it.")).toBeVisible();
    await expect(page.getByText("Uploading packages requires that you confirm your organization account. Why not get that out of the way now?")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Profile Picture (preview)" })).toBeVisible();
    await page.getByRole("link", { name: "confirm your organization account" }).click();
    await expect(page.getByRole("heading", { name: "Confirm Your Organization Account" })).toBeVisible();
    await expect(page.getByText(`A confirmation link was sent to your organization (${org.email}) when the account was created .`)).toBeVisible();
    // the creation mail went out seconds ago: the re-send POST is refused for now
    await page.getByRole("button", { name: "Resend Confirmation Email" }).click();
    await expectAlert(page, "A confirmation mail was sent less than a minute ago.");
    expect(mailsTo(org.email)).toHaveLength(1);
  });

  await test.step("the mailed link confirms it, for its administrator", async () => {
    const link = confirmationPath(org.email);
    expect(link).toMatch(new RegExp(`^/organization/${org.name.replace(/\./g, "\\.")}/Confirm\\?token=`));
    await page.goto(link);
    await expect(page.getByRole("heading", { name: "Organization confirmed" })).toBeVisible();
    await expect(page.getByText("Your organization's email address has been verified and your organization is confirmed.")).toBeVisible();
    expect((await e2eDb().user.findUniqueOrThrow({ where: { id: org.id } })).emailConfirmedAt).not.toBeNull();
    await page.goto(link);
    await expect(page.getByRole("heading", { name: "Email confirmation failed" })).toBeVisible();
    await expect(page.getByText("Your email address has already been confirmed.")).toBeVisible();
    await page.goto(`/organization/${org.name}`);
    await expect(page.getByText("Your organization needs to be confirmed")).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Profile Picture", exact: true })).toBeVisible();
  });

  const newEmail = `new.${randomBytes(4).toString("hex")}@org.test`;
  await test.step("5: change the email; reset; change again and confirm the new address", async () => {
    const email = section(page, "Email Address");
    await expect(email).toContainText(org.email);
    await email.getByLabel("New Email Address").fill(newEmail);
    await email.getByRole("button", { name: "Save" }).click();
    const pending = section(page, "Pending Email Address");
    await expect(pending).toContainText(newEmail);
    expect(mailsTo(newEmail).some((m) => m.includes("Subject: [NuGet Gallery] Please verify your organization's new email address"))).toBe(true);
    await pending.getByRole("button", { name: "Reset to Confirmed Email Address" }).click();
    await expect(section(page, "Email Address")).toContainText(org.email);
    expect((await e2eDb().user.findUniqueOrThrow({ where: { id: org.id } })).pendingEmail).toBeNull();

    await section(page, "Email Address").getByLabel("New Email Address").fill(newEmail);
    await section(page, "Email Address").getByRole("button", { name: "Save" }).click();
    await expect(section(page, "Pending Email Address")).toContainText(newEmail);
    await page.goto(confirmationPath(newEmail));
    await expect(page.getByRole("heading", { name: "Email confirmed" })).toBeVisible();
    expect(await e2eDb().user.findUniqueOrThrow({ where: { id: org.id }, select: { email: true, pendingEmail: true } })).toEqual({ email: newEmail, pendingEmail: null });
    expect(mailsTo(org.email).some((m) => m.includes(`was recently changed from ${org.email} to ${newEmail}`))).toBe(true);
  });

  await test.step("5: the notification settings", async () => {
    await page.goto(`/organization/${org.name}`);
    const notifications = section(page, "Email Notifications");
    await expect(notifications).toContainText("Users can contact | Receiving package push notifications");
    await notifications.getByLabel("Users can contact the organization through the Contact Owners form").uncheck();
    await notifications.getByRole("button", { name: "Save" }).click();
    await expectStatus(page, "Your organization's email preferences have been updated.");
    await expect(notifications).toContainText("Users can not contact | Receiving package push notifications");
    expect(await e2eDb().user.findUniqueOrThrow({ where: { id: org.id }, select: { emailAllowed: true, notifyPackagePushed: true } })).toEqual({ emailAllowed: false, notifyPackagePushed: true });
  });

  await joinOrganization(e2eDb(), alice.id, org.name, bob, false);
  const bobPage = await signedInPage(browser, bob, `/organization/${org.name}`);
  await test.step("17: a collaborator sees the settings read-only, no Delete, and gets 404 / 403 on the other pages", async () => {
    await expect(bobPage.getByText("You are a collaborator of this organization. You must be an administrator to make changes to it.")).toBeVisible();
    await expect(section(bobPage, "Email Address")).toContainText(newEmail);
    await expect(bobPage.getByLabel("New Email Address")).toHaveCount(0);
    await expect(bobPage.getByLabel("Users can contact the organization through the Contact Owners form")).toBeDisabled();
    await expect(section(bobPage, "Email Notifications").getByRole("button", { name: "Save" })).toHaveCount(0);
    await expect(bobPage.getByRole("heading", { name: "Delete", exact: true })).toHaveCount(0);
    const deletePage = await bobPage.goto(`/organization/${org.name}/DeleteRequest`);
    expect(deletePage?.status()).toBe(404);
    expect((await bobPage.goto(`/organization/${org.name}/ConfirmationRequired`))?.status()).toBe(403);
    await expect(bobPage.getByRole("heading", { name: "User is not authorized" })).toBeVisible();
  });

  await test.step("17: the collaborator's crafted posts from their own organization's page answer 'User is not authorized' and change nothing", async () => {
    const own = await makeOrganization(e2eDb(), bob.id);
    const swap = (b: string) => b.split(own.username).join(org.name);
    await bobPage.goto(`/organization/${own.username}`);
    const before = await e2eDb().user.findUniqueOrThrow({ where: { id: org.id } });

    let status = await tamperNextAction(bobPage, `/organization/${own.username}`, swap);
    await section(bobPage, "Email Notifications").getByLabel("Notify when a package is published to NuGet Gallery").uncheck();
    await section(bobPage, "Email Notifications").getByRole("button", { name: "Save" }).click();
    expect(await status()).toBe(200);
    await expectAlert(bobPage, "User is not authorized");

    await bobPage.goto(`/organization/${own.username}`);
    status = await tamperNextAction(bobPage, `/organization/${own.username}`, swap);
    await section(bobPage, "Email Address").getByLabel("New Email Address").fill(`crafted.${randomBytes(3).toString("hex")}@org.test`);
    await section(bobPage, "Email Address").getByRole("button", { name: "Save" }).click();
    expect(await status()).toBe(200);
    await expectAlert(bobPage, "User is not authorized");

    expect(await e2eDb().user.findUniqueOrThrow({ where: { id: org.id } })).toEqual(before);
    expect(await e2eDb().user.findUniqueOrThrow({ where: { id: own.id }, select: { notifyPackagePushed: true, pendingEmail: true } })).toEqual({ notifyPackagePushed: true, pendingEmail: null });
  });
});

test("a person's own mail settings on Account Settings", async ({ page }) => {
  const user = await createUser();
  await signIn(page, user, "/account");
  const notifications = section(page, "Email Notifications");
  await expect(notifications).toContainText("Users can contact you | Receiving package push notifications");
  await notifications.getByLabel("Users can contact me through the Contact Owners form").uncheck();
  await notifications.getByLabel("Notify when a package is published to NuGet Gallery").uncheck();
  await notifications.getByRole("button", { name: "Save" }).click();
  await expectStatus(page, "Your email preferences have been updated.");
  await expect(notifications).toContainText("Users can not contact you | Not receiving package push notifications");
  expect(await e2eDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { emailAllowed: true, notifyPackagePushed: true } })).toEqual({ emailAllowed: false, notifyPackagePushed: false });
});

test("organizations 22, 23: delete blocked by a member, then by a sole-owned package; re-checked on the POST; a clean delete removes its key and keeps its name taken", async ({ page }) => {
  const alice = await createUser();
  const bob = await createUser();
  await signIn(page, alice, "/account/Organizations");
  const org = await addOrganization(page);
  const db = e2eDb();

  // the organization's key, made in the wizard
  await page.goto(KEYS_PAGE);
  await sectionToggle(page, "Create").click();
  await page.getByLabel("Key Name").fill("org key");
  await page.getByLabel("Package Owner").selectOption(org.name);
  await page.getByLabel("Glob Pattern").fill("*");
  await createForm(page).getByRole("button", { name: "Create" }).click();
  await expect(keyRow(page, "org key")).toContainText(`Package owner:${org.name}`);

  await joinOrganization(db, alice.id, org.name, bob, false);
  await test.step("blocked by another member", async () => {
    await page.goto(`/organization/${org.name}`);
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/organization/${org.name.replace(/\./g, "\\.")}/DeleteRequest$`));
    await expect(page.getByRole("heading", { name: `Delete Organization ${org.name}` })).toBeVisible();
    await expect(page.getByText("Once your organization is deleted you cannot undo it.")).toBeVisible();
    await expect(page.getByText("Before deleting your organization, you must remove any other members from it using the manage organization page.")).toBeVisible();
    await expect(page.getByRole("region", { name: "Other members" })).toContainText(bob.username);
    await expect(page.getByRole("button", { name: "Delete organization" })).toHaveCount(0);
  });

  const id = `Org.Only.${randomBytes(4).toString("hex")}`;
  const registration = await db.packageRegistration.create({ data: { packageId: id, idKey: id.toLowerCase(), owners: { create: [{ userId: org.id }] } } });
  await test.step("blocked by a package it owns alone", async () => {
    await page.goto(`/organization/${org.name}`);
    await page.getByRole("button", { name: `Delete member ${bob.username}` }).click();
    await confirmDialog(page, `Are you sure you want to delete member '${bob.username}'?`);
    await expect(page.getByRole("row", { name: bob.username })).toHaveCount(0);
    await page.goto(`/organization/${org.name}/DeleteRequest`);
    await expect(page.getByText("Before deleting your organization, you must transfer ownership of any package where you are the sole owner")).toBeVisible();
    await expect(page.getByRole("region", { name: "Packages" })).toContainText(id);
    await expect(page.getByRole("button", { name: "Delete organization" })).toHaveCount(0);
  });

  await test.step("the POST re-checks: a member who joined after the page was drawn blocks it", async () => {
    await db.packageOwner.create({ data: { registrationId: registration.id, userId: alice.id } });
    await page.reload();
    await expect(page.getByText("By proceeding, I understand that I am relinquishing my organization's ownership of any packages and any package ID prefix reservations.")).toBeVisible();
    await db.membership.create({ data: { organizationId: org.id, memberId: bob.id, isAdmin: false } });
    await page.getByRole("button", { name: "Delete organization" }).click();
    await confirmDialog(page, "Are you sure you want to continue to delete this organization?");
    await expectAlert(page, "You cannot delete your organization unless you remove all other members.");
    expect((await db.user.findUniqueOrThrow({ where: { id: org.id } })).deletedAt).toBeNull();
    await db.membership.delete({ where: { organizationId_memberId: { organizationId: org.id, memberId: bob.id } } });
  });

  await test.step("22: a clean delete: the flash, the key gone, the organization gone", async () => {
    await page.reload();
    await page.getByRole("button", { name: "Delete organization" }).click();
    await confirmDialog(page, "Are you sure you want to continue to delete this organization?");
    await expect(page).toHaveURL(/\/account\/Organizations\?/);
    await expectStatus(page, `Your organization, '${org.name}', was successfully deleted!`);
    await expect(page.getByRole("row", { name: org.name })).toHaveCount(0);
    expect(await db.apiKey.count({ where: { ownerId: org.id } })).toBe(0);
    expect(await db.packageOwner.findMany({ where: { registrationId: registration.id }, select: { userId: true } })).toEqual([{ userId: alice.id }]);
    expect((await db.user.findUniqueOrThrow({ where: { id: org.id } })).deletedAt).not.toBeNull();
    await page.goto(KEYS_PAGE);
    await expect(keyRow(page, "org key")).toHaveCount(0);
    await page.goto(`/organization/${org.name}`);
    await expect(page.getByRole("heading", { name: "User is not authorized" })).toBeVisible();
    // a crafted link cannot make the page claim a deletion
    await page.goto(`/account/Organizations?deleted=${encodeURIComponent(`Never.${randomBytes(3).toString("hex")}`)}`);
    await expect(page.getByText("was successfully deleted!")).toHaveCount(0);
  });

  await test.step("23: the deleted confirmed organization's name cannot be registered again", async () => {
    await page.goto("/organization/add");
    await page.getByLabel("Organization Name").fill(org.name);
    await page.getByLabel("Organization Email Address").fill(`${randomBytes(4).toString("hex")}@org.test`);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByText(`The username '${org.name}' is not available.`, { exact: true })).toBeVisible();
  });
});

test("§16: an expired invitation cannot be accepted; the administrator's Resend mails a new link that works", async ({ page, browser }) => {
  const alice = await createUser();
  const carol = await createUser();
  const db = e2eDb();
  const org = await makeOrganization(db, alice.id);
  await signIn(page, alice, `/organization/${org.username}`);
  await page.getByLabel("Enter username to add member").fill(carol.username);
  await page.getByRole("form", { name: "Add member" }).getByRole("button", { name: "Add" }).click();
  await expectStatus(page, `${carol.username} was successfully added to your organization (pending approval)`);
  await db.membershipRequest.updateMany({ where: { organizationId: org.id, newMemberId: carol.id }, data: { requestedAt: new Date(Date.now() - 31 * 86_400_000) } });
  const acceptPath = () => mailsTo(carol.email).flatMap((m) => m.match(/\/organization\/\S+\/members\/confirm\/\S+/g) ?? []).at(-1)!;
  const first = acceptPath();

  const carolPage = await signedInPage(browser, carol, "/account/Organizations");
  // the mailed link only leads to Manage Organizations, where an expired invitation can only be declined
  await carolPage.goto(first);
  await expect(carolPage).toHaveURL(/\/account\/Organizations$/);
  await expect(carolPage.getByRole("row", { name: org.username })).toContainText("(expired");
  await expect(carolPage.getByRole("row", { name: org.username }).getByRole("button", { name: "Accept Organization Membership Request" })).toHaveCount(0);

  await page.reload();
  await expect(page.getByRole("row", { name: carol.username })).toContainText("(expired)");
  await page.getByRole("button", { name: `Resend invitation to ${carol.username}` }).click();
  await expectStatus(page, `The invitation to '${carol.username}' was sent again.`);
  await expect(page.getByRole("row", { name: carol.username })).not.toContainText("(expired)");
  const second = acceptPath();
  expect(second).not.toBe(first);

  await carolPage.goto(second);
  await expect(carolPage).toHaveURL(/\/account\/Organizations$/);
  await carolPage.getByRole("row", { name: org.username }).getByRole("button", { name: "Accept Organization Membership Request" }).click();
  await expect(carolPage.getByText(`You are now a member of organization '${org.username}'.`)).toBeVisible();
  expect(await db.membership.count({ where: { organizationId: org.id, memberId: carol.id } })).toBe(1);
});
