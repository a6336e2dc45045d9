// The expiry notice's renew link (issue 14 item 1): the job, run in-process against the e2e
// database, mails the holder a link; opened signed out it goes through sign-in to a
// confirmation; Renew with 90 days shows the new value once, which pushes, while the old one
// gets 403. The link grants nothing to another account (404) or to an organization's
// administrator who is not the key's holder (a refusal).
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { ACTIONS } from "@/lib/api-keys/scopes";
import type { Mail } from "@/lib/mail/mailer";
import { createUser, e2eDb, signIn, tamperNextAction, type TestUser } from "./fixtures";
import { joinOrganization, makeKey, makeOrganization } from "./nuget/data";
import { buildNupkg, multipartNuGet58 } from "./nupkg";
import { rawRequest } from "./raw-http";

const { runExpiryNotices } = await import("@/lib/jobs/expiry-notices");

const BASE = process.env.E2E_BASE_URL!;
const INVALID = "The specified API key is invalid, has expired, or does not have permission to access the specified package.";
const KEY_RE = /^oy2[a-z2-7]{43}$/;
const uid = () => randomBytes(4).toString("hex");

function push(apiKey: string, id: string, version: string) {
  const form = multipartNuGet58(buildNupkg({ id, version }));
  return rawRequest(BASE, { method: "PUT", path: "/api/v2/package/", mode: "chunked", headers: { "Content-Type": form.contentType, "X-NuGet-ApiKey": apiKey }, body: form.body });
}

/** Runs the notice job once, keeping its mails in memory; the one to `user` about `keyName`. */
async function noticeTo(user: TestUser, keyName: string): Promise<Mail> {
  const sent: Mail[] = [];
  await runExpiryNotices(e2eDb(), { origin: BASE, send: async (m) => void sent.push(m) });
  const mail = sent.find((m) => m.to === user.email && m.text.includes(`${keyName} - expires in`));
  if (!mail) throw new Error(`no notice to ${user.email} about ${keyName}`);
  return mail;
}

async function signInHere(page: Page, user: TestUser) {
  await page.getByLabel("Username or email").fill(user.username);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test("the mailed renew link: sign in, confirm, renew for 90 days; the new value is shown once and pushes, the old one gets 403", async ({ page }) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const user = await createUser();
  const prefix = `RenewE2e${uid()}`;
  const name = `release ${uid()}`;
  // made 360 days ago for 365: the 7-day notice is due
  const old = await makeKey(user, { name, actions: [ACTIONS.push], subjects: [`${prefix}.*`], expiresInDays: 365, createdDaysAgo: 360 });
  expect((await push(old.plaintext, `${prefix}.Lib`, "1.0.0")).status).toBe(201);

  const mail = await noticeTo(user, name);
  expect(mail.text).toContain(`  - ${prefix}.Lib 1.0.0 (`);
  const link = mail.text.match(/Renew it with the same settings: (\S+)/)?.[1];
  expect(link).toBe(`${BASE}/account/apikeys/renew/${old.id}`);

  await page.goto(link!);
  await expect(page).toHaveURL(/\/users\/account\/LogOn\?returnUrl=/);
  await signInHere(page, user);
  await expect(page).toHaveURL(link!);
  const details = page.getByTestId("renew-key");
  await expect(details).toContainText(name);
  await expect(details).toContainText(user.username);
  await expect(details).toContainText("Push new packages and package versions");
  await expect(details).toContainText(`${prefix}.*`);
  const expires = page.getByLabel("Expires In");
  await expect(expires.locator("option")).toHaveText(["1 day", "90 days", "180 days", "270 days", "365 days"]);
  await expires.selectOption("90");
  await page.getByRole("button", { name: "Renew" }).click();

  await expect(page.getByTestId("regenerated-banner")).toHaveText(
    "Your API key has been regenerated. Make sure to copy your new API key now using the Copy button below. You will not be able to do so again.",
  );
  await page.getByRole("button", { name: "Copy" }).click();
  const plaintext = await page.evaluate(() => navigator.clipboard.readText());
  expect(plaintext).toMatch(KEY_RE);
  expect(await page.content()).not.toContain(plaintext);
  expect(page.url()).not.toContain(plaintext);

  const renewed = await e2eDb().apiKey.findFirstOrThrow({ where: { userId: user.id }, select: { id: true, name: true, expiresInDays: true, expiresAt: true } });
  expect(renewed).toMatchObject({ name, expiresInDays: 90 });
  expect(Math.abs(renewed.expiresAt.getTime() - Date.now() - 90 * 86_400_000)).toBeLessThan(120_000);
  expect(await e2eDb().auditRecord.count({ where: { actorId: user.id, action: "AddCredential", target: renewed.id } })).toBe(1);

  expect((await push(plaintext, `${prefix}.Lib`, "1.0.1")).status).toBe(201);
  expect((await push(old.plaintext, `${prefix}.Lib`, "1.0.2")).statusLine).toBe(`HTTP/1.1 403 ${INVALID}`);
  // the page kept the new value's Copy button: nothing re-rendered it into the spent link's 404
  await expect(page.getByTestId("regenerated-banner")).toBeVisible();
  await expect(page.getByRole("button", { name: "Copy" })).toBeVisible();

  // the link is spent: the page answers 404 now, as for any unknown id
  expect((await page.goto(link!))?.status()).toBe(404);
});

test("another account opening the link gets 404; an organization's administrator who is not the holder is refused", async ({ browser }) => {
  const admin = await createUser();
  const holder = await createUser();
  const stranger = await createUser();
  const org = await makeOrganization(e2eDb(), admin.id);
  await joinOrganization(e2eDb(), admin.id, org.username, holder, false);
  const key = await makeKey(holder, { name: `org key ${uid()}`, actions: [ACTIONS.push], subjects: ["*"], ownerId: org.id, createdDaysAgo: 360 });
  const link = `${BASE}/account/apikeys/renew/${key.id}`;

  const strangerPage = await (await browser.newContext()).newPage();
  await strangerPage.goto(link);
  await signInHere(strangerPage, stranger);
  await expect(strangerPage).toHaveURL(link);
  await expect(strangerPage.getByRole("heading", { name: "Page not found" })).toBeVisible();
  expect((await strangerPage.goto(link))?.status()).toBe(404);
  await expect(strangerPage.getByText(key.id)).toHaveCount(0);

  const adminPage = await (await browser.newContext()).newPage();
  await adminPage.goto(link);
  await signInHere(adminPage, admin);
  await expect(adminPage).toHaveURL(link);
  await expect(adminPage.getByTestId("renew-refused")).toHaveText(
    `Only ${holder.username}, who created this API key, can renew it. As an administrator of ${org.username} you can revoke it from the organization's API keys page.`,
  );
  await expect(adminPage.getByRole("button", { name: "Renew" })).toHaveCount(0);
  expect(await e2eDb().apiKey.count({ where: { id: key.id } })).toBe(1);
});

/** Replaces the value of a single-valued multipart field whose name ends with `field`. */
const setField = (field: string, value: string) => (body: string) =>
  body.replace(new RegExp(`(name="[^"]*${field}"\\r\\n\\r\\n)[^\\r]*`), (_m, head: string) => head + value);

test("crafted renew requests: a duration not offered, another account's key id; refused, nothing changed", async ({ page }) => {
  const user = await createUser();
  const stranger = await createUser();
  const mine = await makeKey(user, { name: `mine ${uid()}`, actions: [ACTIONS.push], subjects: ["*"] });
  const theirs = await makeKey(stranger, { name: `theirs ${uid()}`, actions: [ACTIONS.push], subjects: ["*"] });
  const path = `/account/apikeys/renew/${mine.id}`;
  await signIn(page, user, path);
  const cases: [string, (body: string) => string, string][] = [
    ["366 days", setField("expiresInDays", "366"), "Choose how long the renewed key is valid: 1, 90, 180, 270, 365 days."],
    ["0 days", setField("expiresInDays", "0"), "Choose how long the renewed key is valid: 1, 90, 180, 270, 365 days."],
    ["another account's key", (b) => b.split(mine.id).join(theirs.id), "Credential not found."],
  ];
  for (const [what, rewrite, message] of cases) {
    await test.step(what, async () => {
      const status = await tamperNextAction(page, path, rewrite);
      await page.getByRole("button", { name: "Renew" }).click();
      expect(await status()).toBe(200);
      await expect(page.locator("#renew-expires-error")).toHaveText(message);
    });
  }
  const keys = await e2eDb().apiKey.findMany({ where: { id: { in: [mine.id, theirs.id] } }, select: { id: true, expiresInDays: true } });
  expect(keys.sort((a, b) => a.id.localeCompare(b.id))).toEqual([mine.id, theirs.id].sort().map((id) => ({ id, expiresInDays: 365 })));
});
