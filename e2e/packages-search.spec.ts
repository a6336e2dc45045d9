// The Packages page (issue 15 item 4): search the listed packages by id, 20 a page; unlisted
// packages never show; a search with no match says so; every result leads to its package page.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createUser, e2eDb, type TestUser } from "./fixtures";

async function seed(owner: TestUser, packageId: string, listed = true) {
  await e2eDb().packageRegistration.create({
    data: {
      packageId,
      idKey: packageId.toLowerCase(),
      owners: { create: { userId: owner.id } },
      versions: { create: [{ version: "1.0.0", versionKey: "1.0.0", size: 1, sha512: "x", listed }, { version: "1.2.0", versionKey: "1.2.0", size: 1, sha512: "x", listed }] },
    },
  });
}

test("searching by id pages through the listed matches, 20 a page, each linking to its package page", async ({ page }) => {
  const user = await createUser();
  const tag = `Srch${randomBytes(4).toString("hex")}`;
  for (let i = 0; i < 22; i++) await seed(user, `${tag}.P${String(i).padStart(2, "0")}`);
  await seed(user, `${tag}.Hidden`, false);

  await page.goto("/packages");
  await expect(page.getByRole("heading", { name: "Packages", level: 1 })).toBeVisible();
  await page.getByRole("searchbox", { name: "Search for packages" }).fill(tag.toLowerCase());
  await page.getByRole("searchbox", { name: "Search for packages" }).press("Enter");
  await expect(page).toHaveURL(new RegExp(`/packages\\?q=${tag.toLowerCase()}$`));
  await expect(page.getByRole("status")).toHaveText(`22 packages returned for ${tag.toLowerCase()}`);
  const results = page.getByRole("list", { name: "Search results" }).getByRole("article");
  await expect(results).toHaveCount(20);
  await expect(results.first()).toHaveAccessibleName(`${tag}.P00`);
  await expect(results.first()).toContainText("Latest version: 1.2.0 · 2 versions");
  await expect(page.getByRole("list", { name: "Search results" })).not.toContainText(`${tag}.Hidden`);

  const pager = page.getByRole("navigation", { name: "Search results pages" });
  await expect(pager).toContainText("Page 1 of 2");
  await pager.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(new RegExp(`/packages\\?q=${tag.toLowerCase()}&page=2$`));
  await expect(results).toHaveCount(2);
  await expect(results.getByRole("link")).toHaveText([`${tag}.P20`, `${tag}.P21`]);
  await expect(page.getByRole("list", { name: "Search results" })).not.toContainText(`${tag}.Hidden`);

  await results.getByRole("link", { name: `${tag}.P21` }).click();
  await expect(page).toHaveURL(`/packages/${tag}.P21`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${tag}.P21`);
});

test("an unlisted package is not found; a search with no match says so; bad page numbers are bounded", async ({ page }) => {
  const user = await createUser();
  const tag = `Srch${randomBytes(4).toString("hex")}`;
  await seed(user, `${tag}.OnlyUnlisted`, false);

  await page.goto(`/packages?q=${tag}`);
  await expect(page.getByRole("status")).toHaveText(`0 packages returned for ${tag}`);
  await expect(page.getByText("No packages match your search. Try fewer or shorter words.")).toBeVisible();
  await expect(page.getByRole("list", { name: "Search results" })).toHaveCount(0);
  await expect(page.getByRole("searchbox", { name: "Search for packages" })).toHaveValue(tag);

  await seed(user, `${tag}.Listed`);
  for (const bad of ["-1", "abc", "99999999999", "1000000"]) {
    const res = await page.goto(`/packages?q=${tag}&page=${bad}`);
    expect(res?.status(), bad).toBe(200);
  }
  await page.goto(`/packages?q=${tag}&page=abc`);
  await expect(page.getByRole("list", { name: "Search results" }).getByRole("link")).toHaveText([`${tag}.Listed`]);
  // the words of the query are matched each on its own, case-insensitively, as plain text
  await page.goto(`/packages?q=${encodeURIComponent(`LISTED ${tag.toUpperCase()}`)}`);
  await expect(page.getByRole("list", { name: "Search results" }).getByRole("link")).toHaveText([`${tag}.Listed`]);
  await page.goto(`/packages?q=${encodeURIComponent(`${tag}%`)}`);
  await expect(page.getByRole("status")).toHaveText(`0 packages returned for ${tag}%`);
});

test("the Packages link in the bar opens the page with every listed package counted", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Packages", exact: true }).click();
  await expect(page).toHaveURL(/\/packages$/);
  await expect(page.getByRole("status")).toHaveText(/^There (is|are) [\d,]+ packages?$/);
});
