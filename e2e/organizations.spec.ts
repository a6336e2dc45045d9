// Organizations in Chromium (spec organizations.md checklist items noted per test; keys spec
// 11, 48, 49): create one, make its key in the API Keys wizard, push a new id with it over raw
// HTTP, leave and rejoin; and what crafted posts with another account's ids get.
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createUser, e2eDb, mailsTo, signIn, tamperNextAction, type TestUser, signedInPage, expectAlert } from "./fixtures";
import { PAGE as KEYS_PAGE, createForm, keyRow, sectionToggle } from "./apikeys-states";
import { buildNupkg, multipartNuGet58 } from "./nupkg";
import { joinOrganization, makeOrganization } from "./nuget/data";
import { pushPackage } from "./nuget/http";

const BASE = process.env.E2E_BASE_URL!;
const INVALID = "The specified API key is invalid, has expired, or does not have permission to access the specified package.";

const push = (apiKey: string, id: string, version: string) => pushPackage(BASE, apiKey, id, version);

async function confirmDialog(page: Page, text: string) {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(text);
  await dialog.getByRole("button", { name: "OK" }).click();
}

/** Creates an organization through /organization/add and confirms its address through the mailed link. */
async function addOrganization(page: Page): Promise<{ name: string; id: string; email: string }> {
  const name = `Org.${randomBytes(4).toString("hex")}`;
  const email = `${name.toLowerCase()}@org.test`;
  await page.goto("/organization/add");
  await page.getByLabel("Organization Name").fill(name);
  await expect(page.getByText(`/profiles/${name}.`)).toBeVisible();
  await page.getByLabel("Organization Email Address").fill(email);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/organization/${name.replace(/\./g, "\\.")}$`));
  await expect(page.getByText("You are an administrator of this organization.")).toBeVisible();
  const org = await e2eDb().user.findFirstOrThrow({ where: { usernameKey: name.toLowerCase() }, select: { id: true, isOrganization: true, emailConfirmedAt: true } });
  expect(org).toMatchObject({ isOrganization: true, emailConfirmedAt: null });
  const [mail] = mailsTo(email);
  expect(mail).toContain("Subject: [NuGet Gallery] Please verify your account");
  expect(mail).toContain("Thank you for creating an organization on the NuGet Gallery.");
  await page.goto(mail.match(/https?:\/\/\S+\/organization\/\S+\/Confirm\?token=\S+/)![0].replace(/^https?:\/\/[^/]+/, ""));
  await expect(page.getByRole("heading", { name: "Organization confirmed" })).toBeVisible();
  await page.goto(`/organization/${name}`);
  return { name, id: org.id, email };
}

/** An invitation of `userId` to a fresh organization of someone else's, made in the database: a row on their Manage Organizations to answer. */
async function pendingInvitation(userId: string): Promise<string> {
  const db = e2eDb();
  const admin = await createUser();
  const org = await makeOrganization(db, admin.id);
  await db.membershipRequest.create({ data: { organizationId: org.id, newMemberId: userId, tokenHash: randomBytes(32).toString("hex") } });
  return org.username;
}

async function invite(page: Page, org: string, member: string, role: "Administrator" | "Collaborator") {
  await page.goto(`/organization/${org}`);
  await page.getByLabel("Enter username to add member").fill(member);
  await page.getByLabel("Add member role").selectOption({ label: role });
  await page.getByRole("form", { name: "Add member" }).getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("status").filter({ hasText: `${member} was successfully added to your organization (pending approval)` })).toBeVisible();
  await expect(page.getByRole("row", { name: member })).toContainText("(pending)");
}

test("organizations 1–3, 5, 7, 9, 13, 16, 18–20; keys 11, 48, 49: create, an organization key from the wizard, push, leave → 403, rejoin → works", async ({ page, browser }) => {
  const alice = await createUser();
  const bob = await createUser();
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, alice, "/account/Organizations");
  await expect(page.getByText("You are not a member of any organizations.")).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: alice.username }).click();
  await expect(page.getByRole("menuitem", { name: "Manage Organizations" })).toHaveAttribute("href", "/account/Organizations");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("link", { name: "+ Add new" })).toHaveAttribute("href", "/organization/add");

  const org = await addOrganization(page);
  expect(await e2eDb().membership.findMany({ where: { organizationId: org.id }, select: { memberId: true, isAdmin: true } })).toEqual([{ memberId: alice.id, isAdmin: true }]);
  await page.goto("/account/Organizations");
  await expect(page.getByText("You have 1 organization.")).toBeVisible();
  await expect(page.getByRole("row", { name: org.name })).toContainText(`${org.name}Administrator10`);

  // the wizard offers the user and the organization; the key is the person's, scoped to the organization
  await page.goto(KEYS_PAGE);
  await sectionToggle(page, "Create").click();
  const owner = page.getByLabel("Package Owner");
  await expect(owner.getByRole("option")).toHaveText(["Select an owner...", alice.username, org.name]);
  await page.getByLabel("Key Name").fill("org key");
  await owner.selectOption(org.name);
  await page.getByLabel("Glob Pattern").fill("*");
  await createForm(page).getByRole("button", { name: "Create" }).click();
  await expect(keyRow(page, "org key")).toContainText(`Package owner:${org.name}`);
  await keyRow(page, "org key").getByRole("button", { name: "Copy" }).click();
  const key = await page.evaluate(() => navigator.clipboard.readText());
  expect(await e2eDb().apiKey.findFirstOrThrow({ where: { name: "org key", userId: alice.id }, select: { ownerId: true } })).toEqual({ ownerId: org.id });

  const id = `Org.Pkg.${randomBytes(4).toString("hex")}`;
  expect((await push(key, id, "1.0.0")).status).toBe(201);
  const registration = await e2eDb().packageRegistration.findUniqueOrThrow({ where: { idKey: id.toLowerCase() }, select: { owners: { select: { userId: true } }, versions: { select: { pushedById: true } } } });
  expect(registration).toEqual({ owners: [{ userId: org.id }], versions: [{ pushedById: alice.id }] });

  // Bob joins as a second administrator through the mailed link
  await invite(page, org.name, bob.username, "Administrator");
  const [invitation] = mailsTo(bob.email).filter((m) => m.includes(`Membership request for organization '${org.name}'`));
  const acceptPath = invitation.match(/\/organization\/\S+\/members\/confirm\/\S+/)![0];
  const bobPage = await signedInPage(browser, bob, "/account/Organizations");
  // 9: the mailed link changes nothing and only leads to Manage Organizations, where the pending row has ✓ and ✗
  await bobPage.goto(acceptPath);
  await expect(bobPage).toHaveURL(/\/account\/Organizations$/);
  const pending = bobPage.getByRole("row", { name: org.name });
  await expect(pending).toContainText("(pending approval)");
  await expect(pending.getByRole("button", { name: "Reject Organization Membership Request" })).toBeVisible();
  expect(await e2eDb().membership.count({ where: { organizationId: org.id, memberId: bob.id } })).toBe(0);
  await pending.getByRole("button", { name: "Accept Organization Membership Request" }).click();
  await expect(bobPage.getByText(`You are now a member of organization '${org.name}'.`)).toBeVisible();

  // Alice leaves: her organization key stops working, with the generic reason
  await page.goto(`/organization/${org.name}`);
  await page.getByRole("button", { name: "Leave organization" }).click();
  await confirmDialog(page, "Are you sure you want to leave this organization?");
  await expect(page).toHaveURL(/\/$/);
  expect(mailsTo(org.email).some((m) => m.includes(`The user '${alice.username}' is no longer a member of organization '${org.name}'.`))).toBe(true);
  const refused = await push(key, id, "1.0.1");
  expect([refused.status, refused.reason]).toEqual([403, INVALID]);

  // Bob invites her back; she accepts from Manage Organizations: the same key works again
  await invite(bobPage, org.name, alice.username, "Collaborator");
  await page.goto("/account/Organizations");
  await expect(page.getByRole("row", { name: org.name })).toContainText("(pending approval)");
  await page.getByRole("button", { name: "Accept Organization Membership Request" }).click();
  await expect(page.getByText(`You are now a member of organization '${org.name}'.`)).toBeVisible();
  await expect(page.getByText("You are a collaborator of this organization. You must be an administrator to make changes to it.")).toBeVisible();
  // 13: a collaborator sees roles as text, no add form, and a delete button on their own row only
  await expect(page.getByRole("form", { name: "Add member" })).toHaveCount(0);
  await expect(page.getByRole("row", { name: bob.username })).toContainText("Administrator");
  await expect(page.getByRole("row", { name: bob.username }).getByRole("combobox")).toHaveCount(0);
  await expect(page.getByRole("row", { name: bob.username }).getByRole("button")).toHaveCount(0);
  await expect(page.getByRole("row", { name: alice.username }).getByRole("button", { name: "Leave organization" })).toBeVisible();
  expect((await push(key, id, "1.0.1")).status).toBe(201);
});

test("organizations 11, 14, 17 and crafted posts: another account's organization answers 'User is not authorized' and changes nothing", async ({ page, browser }) => {
  const owner = await createUser();
  const intruder = await createUser();
  const ownerPage = await signedInPage(browser, owner, "/account/Organizations");
  const victim = await addOrganization(ownerPage);
  // 14: the only administrator can neither leave nor step down
  await ownerPage.getByRole("button", { name: "Leave organization" }).click();
  await confirmDialog(ownerPage, "Are you sure you want to leave this organization?");
  await expectAlert(ownerPage, "You can't leave the organization. In order to leave the organization, another collaborator must be assigned as an administrator.");
  await ownerPage.getByLabel(`Role of ${owner.username}`).selectOption("false");
  await expectAlert(ownerPage, "You can't change your role to collaborator. In order to change, another collaborator must be assigned as an administrator.");

  await signIn(page, intruder, "/account/Organizations");
  // nuget.org's 403, with its status: a crawler or script sees the refusal too
  expect((await page.goto(`/organization/${victim.name}`))?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "User is not authorized" })).toBeVisible();
  const own = await addOrganization(page);
  const swap = (b: string) => b.split(own.name).join(victim.name);

  await test.step("invite into someone else's organization", async () => {
    await page.getByLabel("Enter username to add member").fill(intruder.username);
    const status = await tamperNextAction(page, `/organization/${own.name}`, swap);
    await page.getByRole("form", { name: "Add member" }).getByRole("button", { name: "Add" }).click();
    expect(await status()).toBe(200);
    await expectAlert(page, "User is not authorized");
  });
  await test.step("remove someone else's administrator", async () => {
    await page.goto(`/organization/${own.name}`);
    const status = await tamperNextAction(page, `/organization/${own.name}`, (b) => swap(b).split(intruder.username).join(owner.username));
    await page.getByRole("button", { name: "Leave organization" }).click();
    await confirmDialog(page, "Are you sure you want to leave this organization?");
    expect(await status()).toBe(200);
    await expectAlert(page, "User is not authorized");
  });
  await test.step("a key for someone else's organization", async () => {
    await page.goto(KEYS_PAGE);
    await sectionToggle(page, "Create").click();
    await page.getByLabel("Key Name").fill("crafted");
    await page.getByLabel("Package Owner").selectOption(own.name);
    await page.getByLabel("Glob Pattern").fill("*");
    const status = await tamperNextAction(page, KEYS_PAGE, swap);
    await createForm(page).getByRole("button", { name: "Create" }).click();
    expect(await status()).toBe(200);
    await expect(createForm(page).getByText("The current user does not have permission to create an ApiKey with the specified owner or scopes.")).toBeVisible();
  });
  await test.step("11: accepting with a wrong token (a crafted POST: the mailed link only leads to Manage Organizations)", async () => {
    const elsewhere = await pendingInvitation(intruder.id);
    expect((await page.goto(`/organization/${victim.name}/members/confirm/not-the-token`))?.url()).toMatch(/\/account\/Organizations$/);
    const status = await tamperNextAction(page, "/account/Organizations", (b) => b.split(`"${elsewhere}",null`).join(`"${victim.name}","not-the-token"`));
    await page.getByRole("row", { name: elsewhere }).getByRole("button", { name: "Accept Organization Membership Request" }).click();
    expect(await status()).toBe(200);
    await expectAlert(page, "Membership Confirmation Failed");
    await expectAlert(page, `There is no request for user '${intruder.username}' for join this organization with that token.`);
  });
  expect(await e2eDb().membership.findMany({ where: { organizationId: victim.id }, select: { memberId: true, isAdmin: true } })).toEqual([{ memberId: owner.id, isAdmin: true }]);
  expect(await e2eDb().membershipRequest.count({ where: { organizationId: victim.id } })).toBe(0);
  expect(await e2eDb().apiKey.count({ where: { ownerId: victim.id } })).toBe(0);
});

test("organizations 1, 2, 4, 10, 12: the add form's rules, an unconfirmed organization, decline and cancel; crafted role, cancel and decline posts", async ({ page, browser }) => {
  const user = await createUser();
  const taken = await createUser();
  await signIn(page, user, "/organization/add");
  await test.step("1, 2: the add form's rules, on the server too", async () => {
    const rule = "User names must start and end with a letter or number, and may only contain letters, numbers, underscores, periods, and hyphens in between.";
    for (const [name, email, message] of [
      ["ab", "a@org.test", rule],
      ["-ab-", "a@org.test", rule],
      [`Org.${randomBytes(3).toString("hex")}`, "not-an-address", "This doesn't appear to be a valid email address."],
      [taken.username.toUpperCase(), `${randomBytes(3).toString("hex")}@org.test`, `The username '${taken.username.toUpperCase()}' is not available.`],
      [`Org.${randomBytes(3).toString("hex")}`, taken.email, `The email address '${taken.email}' is already in use by a different account.`],
    ]) {
      await page.getByLabel("Organization Name").fill(name);
      await page.getByLabel("Organization Email Address").fill(email);
      // the answer awaited, then its render (the button enabled again): the message may still be
      // the previous round's, and the form's reset after it would undo the next round's typing
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/organization/add")),
        page.getByRole("button", { name: "Add", exact: true }).click(),
      ]);
      await expect(page.getByRole("button", { name: "Add", exact: true })).toBeEnabled();
      await expect(page.getByText(message, { exact: true })).toBeVisible();
    }
    expect(await e2eDb().membership.count({ where: { memberId: user.id } })).toBe(0);
  });
  await test.step("4: an unconfirmed organization cannot change its members", async () => {
    const name = `Org.${randomBytes(4).toString("hex")}`;
    await page.getByLabel("Organization Name").fill(name);
    await page.getByLabel("Organization Email Address").fill(`${name.toLowerCase()}@org.test`);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByText("Your organization needs to be confirmed before you can upload any packages to it.")).toBeVisible();
    await page.getByLabel("Enter username to add member").fill(taken.username);
    await page.getByRole("form", { name: "Add member" }).getByRole("button", { name: "Add" }).click();
    await expectAlert(page, "Your organization must be confirmed before you can change its membership.");
  });

  // a victim organization with a pending invitation and a collaborator; the user's own likewise
  const db = e2eDb();
  const [victimAdmin, victimCollaborator, victimInvitee, ownCollaborator, ownInvitee] = await Promise.all([createUser(), createUser(), createUser(), createUser(), createUser()]);
  const victim = await makeOrganization(db, victimAdmin.id);
  await joinOrganization(db, victimAdmin.id, victim.username, victimCollaborator, false);
  await page.goto("/organization/add");
  const own = await makeOrganization(db, user.id);
  await joinOrganization(db, user.id, own.username, ownCollaborator, false);
  await page.goto(`/organization/${own.username}`);
  await invite(page, own.username, ownInvitee.username, "Collaborator");
  const victimPage = await signedInPage(browser, victimAdmin, `/organization/${victim.username}`);
  await invite(victimPage, victim.username, victimInvitee.username, "Collaborator");
  const swap = (b: string) => b.split(own.username).join(victim.username);

  await test.step("crafted: a role change in someone else's organization", async () => {
    const status = await tamperNextAction(page, `/organization/${own.username}`, (b) => swap(b).split(ownCollaborator.username).join(victimCollaborator.username));
    await page.getByLabel(`Role of ${ownCollaborator.username}`).selectOption("true");
    expect(await status()).toBe(200);
    await expectAlert(page, "User is not authorized");
  });
  await test.step("crafted: cancelling someone else's invitation", async () => {
    await page.goto(`/organization/${own.username}`);
    const status = await tamperNextAction(page, `/organization/${own.username}`, (b) => swap(b).split(ownInvitee.username).join(victimInvitee.username));
    await page.getByRole("button", { name: `Delete member ${ownInvitee.username}` }).click();
    expect(await status()).toBe(200);
    await expectAlert(page, "User is not authorized");
  });
  await test.step("crafted: declining someone else's invitation with a made-up token", async () => {
    const elsewhere = await pendingInvitation(user.id);
    await page.goto("/account/Organizations");
    const status = await tamperNextAction(page, "/account/Organizations", (b) => b.split(`"${elsewhere}",null`).join(`"${victim.username}","made-up-token"`));
    await page.getByRole("row", { name: elsewhere }).getByRole("button", { name: "Reject Organization Membership Request" }).click();
    expect(await status()).toBe(200);
    await expectAlert(page, "Membership Declination Failed");
    await expectAlert(page, `There is no request for user '${user.username}' for join this organization with that token.`);
  });
  expect(await db.membership.findMany({ where: { organizationId: victim.id }, orderBy: { isAdmin: "desc" }, select: { memberId: true, isAdmin: true } })).toEqual([
    { memberId: victimAdmin.id, isAdmin: true },
    { memberId: victimCollaborator.id, isAdmin: false },
  ]);
  expect(await db.membershipRequest.findMany({ where: { organizationId: victim.id }, select: { newMemberId: true } })).toEqual([{ newMemberId: victimInvitee.id }]);

  await test.step("12: an administrator cancels an invitation; the invitee is told", async () => {
    await page.goto(`/organization/${own.username}`);
    await page.getByRole("button", { name: `Delete member ${ownInvitee.username}` }).click();
    await expect(page.getByRole("status").filter({ hasText: "The pending organization member was deleted." })).toBeVisible();
    await expect(page.getByRole("row", { name: ownInvitee.username })).toHaveCount(0);
    expect(mailsTo(ownInvitee.email).some((m) => m.includes(`The request for you to become a member of '${own.username}' has been cancelled.`))).toBe(true);
  });
  await test.step("10: the invitee declines from Manage Organizations; the administrators are told", async () => {
    const inviteePage = await signedInPage(browser, victimInvitee, "/account/Organizations");
    await expect(inviteePage.getByRole("row", { name: victim.username })).toContainText("(pending approval)");
    await inviteePage.getByRole("button", { name: "Reject Organization Membership Request" }).click();
    await expect(inviteePage.getByRole("heading", { name: "Membership Declined" })).toBeVisible();
    await expect(inviteePage.getByText(`You have successfully declined your membership request for the '${victim.username}' organization!`)).toBeVisible();
    expect(await db.membershipRequest.count({ where: { organizationId: victim.id } })).toBe(0);
    expect(mailsTo(victimAdmin.email).some((m) => m.includes(`The user '${victimInvitee.username}' has declined your request to become a member of your organization.`))).toBe(true);
  });
});
