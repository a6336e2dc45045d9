// The API Keys page with a key in each state a row can show (normal, expired, revoked, and a new
// one made through the wizard, whose value is still held): for the look tests and `npm run shots`.
import { expect, type Page } from "@playwright/test";
import { insertTestKey } from "@/tests/api-keys";
import { createUser, e2eDb, signIn, type TestUser } from "./fixtures";

export const PAGE = "/account/apikeys";
const DAY = 86_400_000;

/** Row names by state; the new key is created last, so it leads the list. */
export const KEY_NAMES = { new: "test-key", active: "build server", expired: "old release key", revoked: "leaked key" } as const;

export const createForm = (page: Page) => page.getByRole("form", { name: "Create API key" });
export const sectionToggle = (page: Page, name: "Create" | "Manage") => page.getByRole("heading", { name }).getByRole("button");
export const keyRow = (page: Page, name: string) =>
  page.getByRole("listitem").filter({ has: page.getByRole("heading", { name, exact: true }) });

/** Package ids are unique across users: each test user owns its own one. */
export const packageOf = (user: TestUser) => `Contoso.Lib.${user.username.replace(/^user_/, "")}`;

/** A signed-in user with one package and no keys, on the API Keys page. */
export async function signedInOnEmptyPage(page: Page): Promise<TestUser> {
  const user = await createUser();
  const packageId = packageOf(user);
  await e2eDb().packageRegistration.create({
    data: { packageId, idKey: packageId.toLowerCase(), owners: { create: { userId: user.id } } },
  });
  await signIn(page, user, PAGE);
  return user;
}

/** Seeds a normal, an expired and a revoked key, reloads, then creates the new key in the wizard. */
export async function withEveryRowState(page: Page, user: TestUser) {
  const db = e2eDb();
  await insertTestKey(db, {
    userId: user.id,
    name: KEY_NAMES.revoked,
    createdAt: new Date(Date.now() - 40 * DAY),
    revokedAt: new Date(Date.now() - DAY),
  });
  await insertTestKey(db, {
    userId: user.id,
    name: KEY_NAMES.expired,
    subjects: [packageOf(user)],
    expiresInDays: 90,
    createdAt: new Date(Date.now() - 100 * DAY),
    expiresAt: new Date(Date.now() - 10 * DAY),
  });
  await insertTestKey(db, {
    userId: user.id,
    name: KEY_NAMES.active,
    actions: ["package:push", "package:unlist"],
    subjects: ["Contoso.*", "Fabrikam.Lib"],
    createdAt: new Date(Date.now() - 2 * DAY),
  });
  await page.reload();
  await openWizard(page);
  await page.getByLabel("Key Name").fill(KEY_NAMES.new);
  await page.getByLabel("Glob Pattern").fill("*");
  await createForm(page).getByRole("button", { name: "Create" }).click();
  await expect(page.getByTestId("created-banner")).toBeVisible();
}

export async function openWizard(page: Page) {
  await sectionToggle(page, "Create").click();
  await expect(createForm(page)).toBeVisible();
  // the owner's packages have loaded into the picker
  await expect(page.getByTestId("packages-counter")).toHaveText(/of 1 packages selected/);
}
