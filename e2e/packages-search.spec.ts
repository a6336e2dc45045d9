// The Packages page (issue 15 item 4): search the listed packages by the words of their id and
// description, 20 a page; unlisted packages never show; a search with no match says so; every
// result leads to its package page, which counts the package's downloads.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createUser, e2eDb, type TestUser } from "./fixtures";
import { checkClients, runNuget, sandbox } from "./nuget/clients";
import { makeKey, reindexPackage } from "./nuget/data";
import { pushOverHttp } from "./nuget/http";
import { buildNupkg, nuspecXml } from "./nupkg";

const BASE = process.env.E2E_BASE_URL!;

async function seed(owner: TestUser, packageId: string, listed = true) {
  const { id } = await e2eDb().packageRegistration.create({
    data: {
      packageId,
      idKey: packageId.toLowerCase(),
      owners: { create: { userId: owner.id } },
      versions: { create: [{ version: "1.0.0", versionKey: "1.0.0", size: 1, sha512: "x", listed }, { version: "1.2.0", versionKey: "1.2.0", size: 1, sha512: "x", listed }] },
    },
  });
  // seeded rows, not pushed: indexed as a push would (the id's words; no package file, no description)
  await reindexPackage(e2eDb(), id);
}

/** Pushes `id` 1.0.0 with this description, with a new user's key. */
async function pushDescribed(id: string, description: string) {
  const user = await createUser();
  const key = await makeKey(user, { actions: ["package:push"], subjects: ["*"] });
  const nuspec = nuspecXml(id, "1.0.0").replace(/<description>.*<\/description>/, `<description>${description}</description>`);
  expect((await pushOverHttp(BASE, buildNupkg({ id, version: "1.0.0", nuspec }), key.plaintext)).status).toBe(201);
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
  // punctuation only separates words, as in the index
  await page.goto(`/packages?q=${encodeURIComponent(`${tag}%`)}`);
  await expect(page.getByRole("list", { name: "Search results" }).getByRole("link")).toHaveText([`${tag}.Listed`]);
  // SQL-ish text is words too, all of which must match: with the tag, no package of the shared
  // e2e database can (alone, "or" and "1" matched an id like OrgKeys.Pkg.1f2e… of another test)
  await page.goto(`/packages?q=${encodeURIComponent(`%' OR 1=1 -- ${tag}`)}`);
  await expect(page.getByRole("status")).toHaveText(`0 packages returned for %' OR 1=1 -- ${tag}`);
});

test("a word of a pushed package's description finds it, shown with its description and downloads", async ({ page }) => {
  const tag = `Desc${randomBytes(4).toString("hex")}`;
  const word = `zephyr${randomBytes(3).toString("hex")}`;
  await pushDescribed(`${tag}.Gadget`, `A ${word} for every Überraschung`);
  await pushDescribed(tag, `The exact one, also ${word}`);

  await page.goto("/packages");
  await page.getByRole("searchbox", { name: "Search for packages" }).fill(word.toUpperCase().slice(0, -2));
  await page.getByRole("searchbox", { name: "Search for packages" }).press("Enter");
  const results = page.getByRole("list", { name: "Search results" }).getByRole("article");
  await expect(results).toHaveCount(2);
  await expect(results.getByRole("link")).toHaveText([tag, `${tag}.Gadget`].sort());
  await expect(results.filter({ hasText: `${tag}.Gadget` })).toContainText(`A ${word} for every Überraschung`);
  await expect(results.first()).toContainText("0 total downloads");

  await page.goto(`/packages?q=${encodeURIComponent(`überr ${word}`)}`);
  await expect(results.getByRole("link")).toHaveText([`${tag}.Gadget`]);
  await page.goto(`/packages?q=${encodeURIComponent(`${tag} ${word}`)}`);
  await expect(results.getByRole("link")).toHaveText([tag, `${tag}.Gadget`]);
});

test("the package page's download counts rise after NuGet.exe 5.8 installs the package", async ({ page }) => {
  // Debian's Mono 6.8 aborts now and then under load (see nuget-clients.spec.ts)
  test.setTimeout(240_000);
  const found = checkClients();
  if (!found.ok && process.env.CI === "true") throw new Error(`NuGet clients missing: ${found.missing.join(", ")}`);
  test.skip(!found.ok, `NuGet clients missing: ${found.missing.join(", ")}`);
  const id = `Dl.T${randomBytes(4).toString("hex")}`;
  await pushDescribed(id, "Counted downloads");

  await page.goto(`/packages/${id}`);
  const details = page.getByRole("complementary", { name: "Package details" });
  await expect(details).toContainText("0 total downloads");
  const row = page.getByRole("table", { name: "Versions" }).getByRole("row", { name: /1\.0\.0/ });
  await expect(row.getByRole("cell").nth(1)).toHaveText("0");

  const box = await sandbox();
  try {
    const r = await runNuget("nuget-5.8", ["install", id, "-Version", "1.0.0", "-Source", `${BASE}/v3/index.json`, "-OutputDirectory", "out", "-NoCache", "-DirectDownload"], { box });
    expect(r.exitCode, r.output).toBe(0);
  } finally {
    await box.dispose();
  }
  // written within a second (lib/packages/downloads.ts)
  await expect(async () => {
    await page.reload();
    await expect(details).toContainText(/(^|\D)[1-9]\d* total downloads?/, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(row.getByRole("cell").nth(1)).not.toHaveText("0");
  const downloads = await e2eDb().packageRegistration.findUniqueOrThrow({ where: { idKey: id.toLowerCase() }, select: { totalDownloads: true, versions: { select: { downloadCount: true } } } });
  expect(downloads.totalDownloads).toBeGreaterThan(0);
  expect(downloads.versions[0].downloadCount).toBe(downloads.totalDownloads);
});

test("the Packages link in the bar opens the page with every listed package counted", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Packages", exact: true }).click();
  await expect(page).toHaveURL(/\/packages$/);
  await expect(page.getByRole("status")).toHaveText(/^There (is|are) [\d,]+ packages?$/);
});
