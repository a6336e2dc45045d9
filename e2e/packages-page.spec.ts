// The Manage Packages page after real pushes over the NuGet protocol: versions, listed state,
// who pushed with which key (and a deleted one), size, and the user's keys that can push.
import { randomBytes, randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createUser, e2eDb, signIn } from "./fixtures";
import { buildNupkg } from "./nupkg";
import { deleteKey, makeKey, revokeKey } from "./nuget/data";
import { pushOverHttp, setListed } from "./nuget/http";

const BASE = process.env.E2E_BASE_URL!;

function packageCard(page: Page, id: string) {
  return page.getByRole("article", { name: id, exact: true });
}

test("anonymous visitors are sent to sign in with returnUrl=/account/Packages", async ({ page }) => {
  await page.goto("/account/Packages");
  await expect(page).toHaveURL(/\/users\/account\/LogOn\?returnUrl=%2Faccount%2FPackages$/);
});

test("a pushed package shows its versions, pusher, key (and deleted key), size, and the keys that can push it", async ({ page }) => {
  const user = await createUser();
  const id = `PageTest.P${randomBytes(4).toString("hex")}`;
  const pushKey = await makeKey(user, { name: "CI push key", actions: ["package:push"], subjects: ["PageTest.*"] });
  const versionKey = await makeKey(user, { name: "short-lived versions key", actions: ["package:pushversion"], subjects: ["*"] });
  const unlistKey = await makeKey(user, { name: "unlist only key", actions: ["package:unlist"], subjects: ["*"] });
  const revoked = await makeKey(user, { name: "revoked push key", actions: ["package:push"], subjects: ["*"] });
  await revokeKey(user, revoked);
  await makeKey(user, { name: "fabrikam key", actions: ["package:push"], subjects: ["Fabrikam.*"] });

  expect((await pushOverHttp(BASE, buildNupkg({ id, version: "1.0.0" }), pushKey.plaintext)).status).toBe(201);
  expect((await pushOverHttp(BASE, buildNupkg({ id, version: "1.1.0", contentBytes: 5000 }), versionKey.plaintext)).status).toBe(201);
  expect((await setListed(BASE, id, "1.0.0", false, unlistKey.plaintext)).status).toBe(200);
  await deleteKey(user, versionKey);
  const stored = await e2eDb().packageVersion.findMany({ where: { registration: { idKey: id.toLowerCase() } }, orderBy: { version: "asc" } });
  expect(stored.map((v) => [v.version, v.listed, v.pushedByKeyId])).toEqual([
    ["1.0.0", false, pushKey.id],
    ["1.1.0", true, null],
  ]);

  await signIn(page, user, "/account/Packages");
  await expect(page.getByRole("heading", { name: "Manage Packages", level: 1 })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("Showing 1–1 of 1 package");
  const card = packageCard(page, id);
  await expect(card.getByText(`Owners: ${user.username}`)).toBeVisible();
  await expect(card.getByText("Latest version: 1.1.0")).toBeVisible();

  // not the unlist-only, revoked, non-matching glob or deleted keys
  const keys = card.getByRole("list", { name: `API keys that can push ${id}` }).getByRole("listitem");
  await expect(keys).toHaveText(["CI push key — Push new packages and package versions · expires in 365 days"]);

  await card.getByText("2 versions").click();
  const rows = card.getByRole("table", { name: `Versions of ${id}` }).getByRole("row");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText("1.1.0");
  await expect(rows.nth(1)).toContainText("Listed");
  await expect(rows.nth(1)).toContainText(`${user.username} with key short-lived versions key (deleted key)`);
  await expect(rows.nth(1)).toContainText(`${(stored[1].size / 1024).toFixed(1)} KB`);
  await expect(rows.nth(2)).toContainText("1.0.0");
  await expect(rows.nth(2)).toContainText("Unlisted");
  await expect(rows.nth(2)).toContainText(`${user.username} with key CI push key`);
  await expect(rows.nth(2)).not.toContainText("deleted key");

  // the Unlisted tab holds only packages with no listed version
  await page.getByRole("link", { name: "Unlisted (0)" }).click();
  await expect(page.getByRole("status")).toHaveText("There are no packages that fit this criteria.");
});

test("10,000 owned packages are paged and searchable", async ({ page }) => {
  const user = await createUser();
  const db = e2eDb();
  const n = 10_000;
  const tag = randomBytes(3).toString("hex");
  const regs = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), packageId: `Bulk${tag}.Pkg${String(i).padStart(5, "0")}` }));
  for (let i = 0; i < n; i += 2000) {
    const chunk = regs.slice(i, i + 2000);
    await db.packageRegistration.createMany({ data: chunk.map((r) => ({ id: r.id, packageId: r.packageId, idKey: r.packageId.toLowerCase() })) });
    await db.packageOwner.createMany({ data: chunk.map((r) => ({ registrationId: r.id, userId: user.id })) });
    await db.packageVersion.createMany({
      data: chunk.map((r, j) => ({ registrationId: r.id, version: "1.0.0", versionKey: "1.0.0", listed: (i + j) % 10 !== 0, size: 2048, sha512: "seeded", pushedById: user.id })),
    });
  }

  await signIn(page, user, "/account/Packages");
  await expect(page.getByRole("status")).toHaveText("Showing 1–50 of 10,000 packages");
  await expect(page.getByRole("list", { name: "Packages" }).getByRole("article")).toHaveCount(50);
  await expect(page.getByRole("link", { name: "Published (9,000)" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Unlisted (1,000)" })).toBeVisible();
  await expect(page.getByText("Page 1 of 200")).toBeVisible();

  await page.getByRole("link", { name: "Next »" }).click();
  await expect(page.getByRole("status")).toHaveText("Showing 51–100 of 10,000 packages");
  await expect(packageCard(page, `Bulk${tag}.Pkg00050`)).toBeVisible();

  await page.getByRole("link", { name: "Unlisted (1,000)" }).click();
  await expect(page.getByRole("status")).toHaveText("Showing 1–50 of 1,000 packages");
  await expect(packageCard(page, `Bulk${tag}.Pkg00010`)).toBeVisible();

  await page.getByLabel("Search your packages").fill(`bulk${tag}.pkg0999`);
  await page.getByRole("button", { name: "Search" }).click();
  // within Unlisted, only Pkg09990 of Pkg09990..Pkg09999 is unlisted
  await expect(page.getByRole("status")).toHaveText("Showing 1–1 of 1 package");
  await expect(packageCard(page, `Bulk${tag}.Pkg09990`)).toBeVisible();
  await expect(packageCard(page, `Bulk${tag}.Pkg09990`).getByText("none.")).toBeVisible();

  // a page number past the end shows the last page, never an error
  await page.goto("/account/Packages?page=99999&filter=bogus");
  await expect(page.getByRole("status")).toHaveText("Showing 9,951–10,000 of 10,000 packages");
});

test("a package id nobody has pushed to yet says so instead of 'Unlisted'", async ({ page }) => {
  const user = await createUser();
  const id = `Empty.${randomBytes(3).toString("hex")}`;
  await e2eDb().packageRegistration.create({ data: { packageId: id, idKey: id.toLowerCase(), owners: { create: { userId: user.id } } } });
  await signIn(page, user, "/account/Packages");
  const card = packageCard(page, id);
  await expect(card.getByRole("heading")).toContainText("No versions yet");
  await expect(card.getByRole("heading")).not.toContainText("Unlisted");
});
