// Transforming a user account into an organization in Chromium (spec organizations.md §7, §4,
// §13; checklist 5 and 28): the form and its refusals, the sign-out and the sign-in page's
// message, the admin accepting from the mailed link's page, the key that moves and still pushes,
// and crafted posts with another account's name or token.
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createUser, e2eDb, mailsTo, signIn, tamperNextAction, type TestUser, signedInPage, expectAlert } from "./fixtures";
import { PAGE as KEYS_PAGE, keyRow } from "./apikeys-states";
import { buildNupkg, multipartNuGet58 } from "./nupkg";
import { joinOrganization, makeKey, makeOrganization } from "./nuget/data";
import { pushPackage } from "./nuget/http";

// loaded after ./nuget/data, which lets server-only modules load in the test process
const { requestTransform } = await import("@/lib/organizations/transform");

const BASE = process.env.E2E_BASE_URL!;
const MEMBER_REFUSAL = "You are a member of one or more organizations. You must leave all organizations before transforming your account.";

const push = (apiKey: string, id: string, version: string) => pushPackage(BASE, apiKey, id, version);

/** Sends the Transform form naming `admin`, answering its confirmation with OK. */
async function transformTo(page: Page, admin: string, me: string) {
  await page.getByLabel("Administrator").fill(admin);
  await page.getByRole("button", { name: "Transform", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`You have added '${admin}' as an administrator. Administrators have full control over their organizations, including the ability to add and remove other members.`);
  await expect(dialog).toContainText(`Existing API keys owned by this account, '${me}', will be transferred to '${admin}' on transformation. Full access legacy API keys will not be transferred.`);
  await dialog.getByRole("button", { name: "OK" }).click();
}

test("organizations §7, 5: A with a key and a package becomes an organization administered by B; the key moves to B and still pushes", async ({ page, browser }) => {
  const a = await createUser();
  const b = await createUser();
  const key = await makeKey(a, { name: "a's build key", actions: ["package:push"], subjects: ["*"] });
  const id = `Transform.Pkg.${randomBytes(4).toString("hex")}`;
  expect((await push(key.plaintext, id, "1.0.0")).status).toBe(201);

  await signIn(page, a, "/account/Organizations");
  await test.step("5: the empty state links to the transform page", async () => {
    await expect(page.getByText("You are not a member of any organizations.")).toBeVisible();
    await page.getByRole("link", { name: "transform your account into an organization" }).click();
    await expect(page).toHaveURL(/\/account\/transform$/);
    await expect(page).toHaveTitle(/Transform Account/);
  });
  await test.step("the page: warning, read-only account fields, the administrator's rules", async () => {
    await expect(page.getByText("This is an irreversible process. Once you transform this account to an organization:")).toBeVisible();
    await expect(page.getByText(`You will no longer be able sign in to ${a.username}.`)).toBeVisible();
    await expect(page.getByText(`All permissions to manage ${a.username} and the packages it owns will be transferred to the administrator you choose here.`)).toBeVisible();
    await expect(page.getByLabel("Organization", { exact: true })).toHaveValue(a.username);
    await expect(page.getByLabel("Organization", { exact: true })).toHaveAttribute("readonly", "");
    await expect(page.getByLabel("Email", { exact: true })).toHaveValue(a.email);
    await expect(page.getByLabel("Email", { exact: true })).toHaveAttribute("readonly", "");
    await expect(page.getByLabel("Administrator")).toHaveAttribute("placeholder", "Add existing NuGet.org user");
    await expect(page.getByLabel("Administrator")).toHaveAttribute("maxlength", "64");
    await page.getByRole("button", { name: "Transform", exact: true }).click();
    await expect(page.getByText("The Administrator field is required.")).toBeVisible();
    await transformTo(page, b.email, a.username);
    await expectAlert(page, "You must choose an administrator by username, not an email address.");
    await transformTo(page, a.username, a.username);
    await expectAlert(page, `Administrator account '${a.username}' cannot be the same account as the one being transformed.`);
    expect(await e2eDb().organizationMigrationRequest.count({ where: { accountId: a.id } })).toBe(0);
  });

  await test.step("a valid request signs A out; the sign-in page says whom to sign in as", async () => {
    await transformTo(page, b.username, a.username);
    await expect(page).toHaveURL(/\/users\/account\/LogOn\?/);
    await expect(page.getByRole("status").filter({ hasText: `Please sign in as administrator '${b.username}' to finish transforming account '${a.username}' into an organization.` })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    expect(await e2eDb().session.count({ where: { userId: a.id } })).toBe(0);
    expect(await e2eDb().organizationMigrationRequest.findUnique({ where: { accountId: a.id }, select: { adminUserId: true } })).toEqual({ adminUserId: b.id });
    // the same page with another account's name says nothing
    await page.goto(page.url().replace(`transform=${a.username}`, `transform=${b.username}`));
    await expect(page.getByText("Please sign in as administrator")).toHaveCount(0);
    const [toA] = mailsTo(a.email).filter((m) => m.includes(`Organization transformation for account '${a.username}'`));
    expect(toA).toContain(`We have received a request to transform account '${a.username}' into an organization with user '${b.username}' as its admin.`);
    expect(toA).toMatch(/\/account\/transform\/cancel\/\S+/);
  });

  const [request] = mailsTo(b.email).filter((m) => m.includes(`Organization transformation for account '${a.username}'`));
  expect(request).toContain(`To proceed with the transformation and become an administrator of '${a.username}':`);
  const acceptPath = request.match(/\/account\/transform\/confirm\/\S+/)![0];
  const bPage = await signedInPage(browser, b, acceptPath);
  await test.step("B opens the mailed link (nothing changes) and accepts with the button", async () => {
    await expect(bPage.getByText(`You have been asked to become the administrator of account '${a.username}'`)).toBeVisible();
    expect((await e2eDb().user.findUniqueOrThrow({ where: { id: a.id }, select: { isOrganization: true } })).isOrganization).toBe(false);
    await bPage.getByRole("button", { name: `Accept transforming ${a.username} into an organization` }).click();
    await expect(bPage.getByRole("status").filter({ hasText: `Account '${a.username}' was successfully transformed into an organization.` })).toBeVisible();
    await expect(bPage.getByRole("row", { name: a.username })).toContainText(`${a.username}Administrator11`);
    expect(await e2eDb().user.findUniqueOrThrow({ where: { id: a.id }, select: { isOrganization: true, passwordHash: true } })).toEqual({ isOrganization: true, passwordHash: null });
    expect(await e2eDb().membership.findMany({ where: { organizationId: a.id }, select: { memberId: true, isAdmin: true } })).toEqual([{ memberId: b.id, isAdmin: true }]);
    for (const to of [a.email, b.email]) {
      expect(mailsTo(to).some((m) => m.includes(`Subject: [NuGet Gallery] Account '${a.username}' has been transformed into an organization`))).toBe(true);
    }
  });

  await test.step("A can no longer sign in", async () => {
    await page.goto("/users/account/LogOn");
    await page.getByLabel("Username or email").fill(a.username);
    await page.getByLabel("Password", { exact: true }).fill(a.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByText("The username or password provided is incorrect.")).toBeVisible();
  });

  await test.step("B's API Keys page shows the transferred key for A; it still pushes", async () => {
    await bPage.goto(KEYS_PAGE);
    await expect(keyRow(bPage, "a's build key")).toContainText(`Package owner:${a.username}`);
    expect(await e2eDb().apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { userId: true, ownerId: true } })).toEqual({ userId: b.id, ownerId: a.id });
    expect((await push(key.plaintext, id, "1.0.1")).status).toBe(201);
  });
});

test("organizations 28, and crafted answers: a member of an organization is refused; another account's name or token changes nothing", async ({ page, browser }) => {
  const member = await createUser();
  const orgAdmin = await createUser();
  const org = await makeOrganization(e2eDb(), orgAdmin.id);
  await joinOrganization(e2eDb(), orgAdmin.id, org.username, member, false);

  await test.step("28: the page and its post refuse a member of an organization", async () => {
    await signIn(page, member, "/account/transform");
    await expectAlert(page, MEMBER_REFUSAL);
    await transformTo(page, orgAdmin.username, member.username);
    await expectAlert(page, MEMBER_REFUSAL);
    expect(await e2eDb().organizationMigrationRequest.count({ where: { accountId: member.id } })).toBe(0);
  });

  // two pending requests: X1 names S as admin, X2 names T
  const [x1, x2, s, t] = [await createUser(), await createUser(), await createUser(), await createUser()];
  const r1 = await requestTransform(e2eDb(), x1.id, s.username, BASE);
  const r2 = await requestTransform(e2eDb(), x2.id, t.username, BASE);
  if (!r1.ok || !r2.ok) throw new Error("requestTransform failed");
  const sPage = await signedInPage(browser, s, "/account/Organizations");

  await test.step("S's ✓ on X1's row, rewritten to name X2", async () => {
    await expect(sPage.getByRole("row", { name: x1.username })).toContainText("(pending approval)");
    const status = await tamperNextAction(sPage, "/account/Organizations", (body) => body.split(x1.username).join(x2.username));
    await sPage.getByRole("button", { name: `Accept transforming ${x1.username} into an organization` }).click();
    expect(await status()).toBe(200);
    await expectAlert(sPage, `There is no pending request to transform account '${x2.username}' into an organization with you as its administrator and that token.`);
  });
  await test.step("S opens X2's genuine accept link (T's): told to sign in as T", async () => {
    await sPage.goto(`/account/transform/confirm/${x2.username}/${r2.token}`);
    await sPage.getByRole("button", { name: `Accept transforming ${x2.username} into an organization` }).click();
    await expectAlert(sPage, `Please sign in as administrator '${t.username}' to finish transforming account '${x2.username}' into an organization.`);
  });
  await test.step("S declines X2's with X1's token; cancels X1's as if it were S's own", async () => {
    await sPage.goto(`/account/transform/reject/${x2.username}/${r1.token}`);
    await sPage.getByRole("button", { name: `Reject transforming ${x2.username} into an organization` }).click();
    await expectAlert(sPage, `There is no pending request to transform account '${x2.username}'`);
    await sPage.goto(`/account/transform/cancel/${r1.token}`);
    await sPage.getByRole("button", { name: "Cancel migration request" }).click();
    await expectAlert(sPage, "There is no pending request to transform your account into an organization with that token.");
  });
  expect(await e2eDb().organizationMigrationRequest.count({ where: { accountId: { in: [x1.id, x2.id] } } })).toBe(2);
  expect(await e2eDb().user.count({ where: { id: { in: [x1.id, x2.id] }, isOrganization: true } })).toBe(0);
  expect(await e2eDb().membership.count({ where: { memberId: { in: [s.id, t.id] } } })).toBe(0);

  await test.step("X1 signs in, sees the pending request and cancels it from Manage Organizations", async () => {
    const x1Page = await signedInPage(browser, x1, "/account/Organizations");
    await expect(x1Page.getByText(`You have a pending request to transform your account ${x1.username} into an organization. To continue this process, sign in as ${s.username}`)).toBeVisible();
    await expect(x1Page.getByRole("link", { name: "transform your account into an organization" })).toHaveCount(0);
    await x1Page.getByRole("button", { name: "Cancel migration request" }).click();
    await expect(x1Page.getByRole("status").filter({ hasText: "The transform request for your account has been successfully cancelled." })).toBeVisible();
    expect(await e2eDb().organizationMigrationRequest.count({ where: { accountId: x1.id } })).toBe(0);
    expect(mailsTo(s.email).some((m) => m.includes(`Transformation of account '${x1.username}' has been cancelled by user '${x1.username}'.`))).toBe(true);
  });
});
