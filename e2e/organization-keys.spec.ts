// An organization's keys in Chromium (spec organizations.md §16, NuGetGallery#8019, #5756, #5872;
// checklist 21): an administrator sees a collaborator's key (never its value) and revokes it,
// the creator is mailed and the key refused on push; collaborators and outsiders get 404 and
// crafted revokes change nothing; a key of an organization its creator left is marked unusable
// on their API Keys page, without Edit and Regenerate.
import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createUser, e2eDb, mailsTo, signIn, tamperNextAction, type TestUser, signedInPage } from "./fixtures";
import { PAGE as KEYS_PAGE, keyRow } from "./apikeys-states";
import { buildNupkg, multipartNuGet58 } from "./nupkg";
import { joinOrganization, makeOrganization } from "./nuget/data";
import { pushOverHttp, pushPackage } from "./nuget/http";

// loaded after ./nuget/data, whose module hook lets `server-only` modules load here
const { createApiKey, editApiKey } = await import("@/lib/api-keys/store");
const { rollApiKey } = await import("@/lib/api-keys/roll");

const BASE = process.env.E2E_BASE_URL!;
const INVALID = "The specified API key is invalid, has expired, or does not have permission to access the specified package.";

const push = (apiKey: string, id: string, version: string) => pushPackage(BASE, apiKey, id, version);

/** A key for the organization, made by the store exactly as the API Keys wizard makes it. */
async function orgKey(user: TestUser, ownerId: string, name: string) {
  const made = await createApiKey(e2eDb(), user.id, { name, expiresInDays: 90, ownerId, actions: ["package:push", "package:unlist"], subjects: ["*"] });
  if (!made.ok) throw new Error(made.error);
  return { id: made.key.id, plaintext: made.plaintext };
}

/** An organization of a new administrator, a new collaborator of it, and the collaborator's key for it named `keyName`. */
async function organizationWithKey(keyName: string) {
  const db = e2eDb();
  const [admin, collaborator] = [await createUser(), await createUser()];
  const org = await makeOrganization(db, admin.id);
  await joinOrganization(db, admin.id, org.username, collaborator, false);
  return { db, admin, collaborator, org, key: await orgKey(collaborator, org.id, keyName) };
}

const keysPath = (org: string) => `/organization/${org}/apikeys`;
const orgRow = (page: Page, name: string) => page.getByRole("table", { name: "Organization API keys" }).getByRole("row", { name });

async function confirmDialog(page: Page, text: string) {
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(text);
  await dialog.getByRole("button", { name: "OK" }).click();
}

test("an administrator sees a collaborator's organization key, never its value, and revokes it: the creator is mailed, the key gets 403 on push", async ({ page, browser }) => {
  const { db, admin, collaborator, org, key } = await organizationWithKey("collab pipeline");
  const id = `OrgKeys.Pkg.${randomBytes(4).toString("hex")}`;
  expect((await push(key.plaintext, id, "1.0.0")).status).toBe(201);

  await signIn(page, admin, `/organization/${org.username}`);
  await page.getByRole("link", { name: "API Keys" }).click();
  await expect(page).toHaveURL(new RegExp(`${keysPath(org.username)}$`));
  await expect(page.getByRole("heading", { name: `${org.username} API keys` })).toBeVisible();
  const row = orgRow(page, "collab pipeline");
  await expect(row).toContainText(collaborator.username);
  await expect(row).toContainText("Push new packages and package versions, Unlist or relist package versions");
  await expect(row).toContainText("Glob pattern: *");
  await expect(row).toContainText(/Expires in 3 months/);
  await expect(row).toContainText("a few seconds ago");
  // the value, its hash and its lookup id are nowhere in what the browser got
  const stored = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { secretHash: true, lookupId: true } });
  const html = await page.content();
  for (const secret of [key.plaintext, stored.secretHash, stored.lookupId]) expect(html).not.toContain(secret);

  await row.getByRole("button", { name: "Revoke collab pipeline" }).click();
  await confirmDialog(page, `Are you sure you want to revoke the API key 'collab pipeline' of ${collaborator.username}?`);
  await expect(page.getByRole("status").filter({ hasText: `The API key 'collab pipeline' of ${collaborator.username} was revoked.` })).toBeVisible();
  await expect(row).toContainText("Revoked by an administrator");
  await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
  expect(await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { revocationSource: true } })).toEqual({ revocationSource: "Organization" });
  expect(
    mailsTo(collaborator.email).some(
      (m) => m.includes("Subject: [NuGet Gallery] API Key 'collab pipeline' Revoked") && m.includes(`has been revoked by '${admin.username}', an administrator of organization '${org.username}'`),
    ),
  ).toBe(true);
  const refused = await push(key.plaintext, id, "1.0.1");
  expect([refused.status, refused.reason]).toEqual([403, INVALID]);

  // the creator's own page: revoked, with nuget.org's banner
  const collaboratorPage = await signedInPage(browser, collaborator, KEYS_PAGE);
  await expect(keyRow(collaboratorPage, "collab pipeline")).toHaveAttribute("data-state", "revoked");
  await expect(collaboratorPage.getByTestId("revoked-banner")).toContainText("Your API key 'collab pipeline' has been revoked.");
});

test("collaborators and outsiders get 404; crafted revokes with another organization's key ids change nothing", async ({ page, browser }) => {
  const db = e2eDb();
  const [admin, collaborator, intruder] = [await createUser(), await createUser(), await createUser()];
  const victim = await makeOrganization(db, admin.id);
  await joinOrganization(db, admin.id, victim.username, collaborator, false);
  const target = await orgKey(collaborator, victim.id, "victim key");

  const collaboratorPage = await signedInPage(browser, collaborator, `/organization/${victim.username}`);
  await expect(collaboratorPage.getByText("You are a collaborator of this organization.")).toBeVisible();
  await expect(collaboratorPage.getByRole("link", { name: "API Keys" })).toHaveCount(0);
  const asCollaborator = await collaboratorPage.goto(keysPath(victim.username));
  expect(asCollaborator?.status()).toBe(404);
  await expect(collaboratorPage.getByRole("heading", { name: "Page not found" })).toBeVisible();

  // the intruder administers an organization of their own, with a key of their own in it
  const own = await makeOrganization(db, intruder.id);
  const ownKey = await orgKey(intruder, own.id, "own key");
  await signIn(page, intruder, keysPath(own.username));
  expect((await page.goto(keysPath(victim.username)))?.status()).toBe(404);
  await page.goto(keysPath(own.username));

  for (const [what, rewrite] of [
    ["this organization, the victim's key id", (b: string) => b.split(ownKey.id).join(target.id)],
    ["the victim organization and its key id", (b: string) => b.split(own.username).join(victim.username).split(ownKey.id).join(target.id)],
  ] as const) {
    await test.step(what, async () => {
      const status = await tamperNextAction(page, keysPath(own.username), rewrite);
      await orgRow(page, "own key").getByRole("button", { name: "Revoke own key" }).click();
      await confirmDialog(page, "Are you sure you want to revoke the API key 'own key'");
      expect(await status()).toBe(200);
      await expect(page.getByRole("alert").filter({ hasText: "An error occurred while revoking the API key. Please try again." })).toBeVisible();
    });
  }
  expect(await db.apiKey.findMany({ where: { id: { in: [target.id, ownKey.id] } }, select: { revokedAt: true } })).toEqual([{ revokedAt: null }, { revokedAt: null }]);
  expect(await db.auditRecord.count({ where: { action: "RevokeCredential", target: { in: [target.id, ownKey.id] } } })).toBe(0);
  expect((await push(target.plaintext, `OrgKeys.Victim.${randomBytes(4).toString("hex")}`, "1.0.0")).status).toBe(201);
});

test("organizations 21 and #5872: after its creator leaves, the key shows on their API Keys page with 'Package owner: {org}', marked unusable, with no Edit or Regenerate", async ({ page, browser }) => {
  const { db, admin, collaborator: leaver, org, key } = await organizationWithKey("left behind");
  const personal = await orgKey(leaver, leaver.id, "personal");

  await signIn(page, leaver, KEYS_PAGE);
  await expect(keyRow(page, "left behind").getByRole("button", { name: "Edit" })).toBeVisible();
  await expect(page.getByTestId("key-owner-lost")).toHaveCount(0);
  await page.goto(`/organization/${org.username}`);
  await page.getByRole("button", { name: "Leave organization" }).click();
  await confirmDialog(page, "Are you sure you want to leave this organization?");
  await expect(page).toHaveURL(/\/$/);

  await page.goto(KEYS_PAGE);
  const row = keyRow(page, "left behind");
  await expect(row.getByTestId("key-details")).toContainText(`Package owner:${org.username}`);
  await expect(row.getByTestId("key-owner-lost")).toHaveText(`You are no longer a member of ${org.username}; this key cannot be used.`);
  await expect(row.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Regenerate" })).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Delete" })).toBeVisible();
  await expect(row.getByRole("button", { name: "Revoke" })).toBeVisible();
  // the personal key keeps every action
  await expect(keyRow(page, "personal").getByRole("button", { name: "Regenerate" })).toBeVisible();
  await expect(keyRow(page, "personal").getByTestId("key-owner-lost")).toHaveCount(0);
  const refused = await push(key.plaintext, `OrgKeys.Left.${randomBytes(4).toString("hex")}`, "1.0.0");
  expect([refused.status, refused.reason]).toEqual([403, INVALID]);

  // crafted: a Regenerate (or Edit) posted for that key anyway is refused, and nothing changes
  const status = await tamperNextAction(page, KEYS_PAGE, (b) => b.split(personal.id).join(key.id));
  await keyRow(page, "personal").getByRole("button", { name: "Regenerate" }).click();
  await confirmDialog(page, "Are you sure you want to regenerate the API key?");
  expect(await status()).toBe(200);
  await expect(page.getByTestId("api-keys-error")).toHaveText("An error occurred while regenerating the API key. Please try again.");
  expect((await db.apiKey.findMany({ where: { userId: leaver.id }, select: { id: true } })).map((k) => k.id).sort()).toEqual([key.id, personal.id].sort());

  // the administrators see it marked as a former member's key
  const adminPage = await signedInPage(browser, admin, keysPath(org.username));
  await expect(orgRow(adminPage, "left behind")).toContainText("No longer a member: this key cannot be used");
});

test("an organization key packed into a package: the push is refused, and the administrators' list says who found the leak, when and where", async ({ page }) => {
  const { admin, org, key } = await organizationWithKey("packed pipeline");
  const id = `OrgKeys.Leak.${randomBytes(4).toString("hex")}`;
  const config = `<configuration><apikeys><add key="https://nuget.example" value="${key.plaintext}" /></apikeys></configuration>`;
  const refused = await pushOverHttp(BASE, buildNupkg({ id, version: "1.0.0", files: { "tools/nuget.config": config } }), key.plaintext);
  expect(refused.status).toBe(400);
  await expect
    .poll(() => mailsTo(admin.email).filter((m) => m.includes("API key 'packed pipeline' revoked due to a potential leak") && m.includes(`acting for your organization '${org.username}'`)).length)
    .toBe(1);

  await signIn(page, admin, keysPath(org.username));
  const row = orgRow(page, "packed pipeline");
  await expect(row).toContainText(/Revoked due to a potential leak: reported by a package push on \w{3} \d{1,2}, \d{4}; found at /);
  await expect(row).toContainText(`found at ${id} 1.0.0: tools/nuget.config`);
  await expect(row).not.toContainText("Revoked by");
  await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
});

test("an administrator sees what the creator's own row shows beyond nuget.org: address limits and a roll's overlap", async ({ page }) => {
  const { db, admin, collaborator, org, key } = await organizationWithKey("limited pipeline");
  expect((await editApiKey(db, collaborator.id, key.id, ["*"], { allowedCidrs: ["10.0.0.0/8", "2001:db8::/32"] })).ok).toBe(true);
  expect((await rollApiKey(db, collaborator.id, key.id, 24)).ok).toBe(true);

  await signIn(page, admin, keysPath(org.username));
  const row = orgRow(page, "limited pipeline");
  await expect(row).toContainText("Allowed addresses: 10.0.0.0/8, 2001:db8::/32");
  await expect(row).toContainText(/Previous secret works until in a day \(\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\); last used never/);
});
