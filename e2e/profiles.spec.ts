// View Profile and the package page (issue 15 items 2 and 3): a user's packages, paged; an
// organization's member counts shown to its members; a package page's versions (an unlisted one
// only for an owner), install commands, owners linking to their profiles, "Manage package" for
// owners only, a readme that tries to run script shown inert; axe-core clean on every one.
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { strToU8, zipSync } from "fflate";
import { createUser, e2eDb, signIn } from "./fixtures";
import { joinOrganization, makeKey, makeOrganization } from "./nuget/data";
import { pushOverHttp, setListed } from "./nuget/http";
import { buildNupkg } from "./nupkg";

const BASE = process.env.E2E_BASE_URL!;
const PAGE_SIZE = 20;

async function expectAxeClean(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(" ")) }))).toEqual([]);
}

function nupkgWithReadme(id: string, version: string, readme: string) {
  const nuspec = `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>
<id>${id}</id><version>${version}</version><authors>Profile Tests</authors>
<description>Everything a profile test needs.</description><readme>README.md</readme></metadata></package>`;
  return zipSync({ [`${id}.nuspec`]: strToU8(nuspec), "README.md": strToU8(readme) });
}

test("a user's profile lists their listed packages, paged, each linking to its page", async ({ page }) => {
  const user = await createUser();
  const tag = randomBytes(3).toString("hex");
  const db = e2eDb();
  for (let i = 0; i < PAGE_SIZE + 2; i++) {
    const packageId = `Prof${tag}.P${String(i).padStart(2, "0")}`;
    await db.packageRegistration.create({
      data: { packageId, idKey: packageId.toLowerCase(), owners: { create: { userId: user.id } }, versions: { create: { version: "1.0.0", versionKey: "1.0.0", size: 1, sha512: "x" } } },
    });
  }
  const hidden = `Prof${tag}.Hidden`;
  await db.packageRegistration.create({
    data: { packageId: hidden, idKey: hidden.toLowerCase(), owners: { create: { userId: user.id } }, versions: { create: { version: "1.0.0", versionKey: "1.0.0", size: 1, sha512: "x", listed: false } } },
  });

  await page.goto(`/profiles/${user.username}`);
  await expect(page.getByRole("heading", { name: user.username, level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: `${PAGE_SIZE + 2} Packages` })).toBeVisible();
  const list = page.getByRole("list", { name: `Packages of ${user.username}` });
  await expect(list.getByRole("listitem")).toHaveCount(PAGE_SIZE);
  await expect(list.getByRole("link", { name: `Prof${tag}.P00` })).toHaveAttribute("href", `/packages/Prof${tag}.P00`);
  await expect(page.getByRole("link", { name: "Edit your account" })).toHaveCount(0);
  await expectAxeClean(page);
  await page.getByRole("navigation", { name: "Packages pages" }).getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await expect(list).not.toContainText(hidden);

  // the user sees their own unlisted package too, and reaches the profile from the user menu
  await signIn(page, user, "/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: user.username }).click();
  await page.getByRole("menuitem", { name: "View Profile" }).click();
  await expect(page.getByRole("heading", { name: `${PAGE_SIZE + 3} Packages` })).toBeVisible();
  await expect(page.getByRole("link", { name: "Edit your account" })).toHaveAttribute("href", "/account");
  await expectAxeClean(page);
});

test("an organization's profile shows its member counts and the pencil to its members only; a deleted one is 404", async ({ page }) => {
  const admin = await createUser();
  const collaborator = await createUser();
  const stranger = await createUser();
  const db = e2eDb();
  const org = await makeOrganization(db, admin.id);
  await joinOrganization(db, admin.id, org.username, collaborator, false);

  await signIn(page, stranger, `/profiles/${org.username}`);
  await expect(page.getByRole("heading", { name: org.username, level: 1 })).toBeVisible();
  await expect(page.getByText("Organization", { exact: true })).toBeVisible();
  await expect(page.getByText(/Administrator/)).toHaveCount(0);
  await expect(page.getByRole("link", { name: `Edit organization ${org.username}` })).toHaveCount(0);

  await page.context().clearCookies();
  await signIn(page, collaborator, `/profiles/${org.username}`);
  await expect(page.getByText("1 Administrator | 1 Collaborator")).toBeVisible();
  await expect(page.getByRole("link", { name: `Edit organization ${org.username}` })).toHaveAttribute("href", `/organization/${org.username}`);
  await expectAxeClean(page);

  await db.user.update({ where: { id: org.id }, data: { deletedAt: new Date() } });
  expect((await page.request.get(`/profiles/${org.username}`)).status()).toBe(404);
  expect((await page.request.get(`/profiles/nobody_${randomBytes(4).toString("hex")}`)).status()).toBe(404);
});

test("a package page: versions (the unlisted one only for an owner), install commands, owners linking to profiles, Manage for owners, an inert readme", async ({ page }) => {
  const owner = await createUser();
  const stranger = await createUser();
  const id = `ProfPage.P${randomBytes(4).toString("hex")}`;
  const key = await makeKey(owner, { actions: ["package:push", "package:unlist"], subjects: ["*"] });
  const readme = `# ${id}\n<script>window.__ran = true</script><img src=x onerror="window.__ran = true">`;
  expect((await pushOverHttp(BASE, nupkgWithReadme(id, "1.0.0", readme), key.plaintext)).status).toBe(201);
  expect((await pushOverHttp(BASE, buildNupkg({ id, version: "1.1.0" }), key.plaintext)).status).toBe(201);
  expect((await setListed(BASE, id, "1.1.0", false, key.plaintext)).status).toBe(200);

  // anonymous: the listed version only, no Manage, the unlisted one 404
  await page.goto(`/packages/${id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${id}1.0.0`);
  const versions = page.getByRole("table", { name: "Versions" });
  await expect(versions.getByRole("row")).toHaveCount(2);
  await expect(versions).not.toContainText("1.1.0");
  await expect(page.getByRole("link", { name: "Manage package" })).toHaveCount(0);
  await expect(page.getByLabel(".NET CLI command")).toHaveText(`dotnet add package ${id} --version 1.0.0`);
  await expect(page.getByLabel("Package Manager command")).toHaveText(`NuGet\\Install-Package ${id} -Version 1.0.0`);
  await expect(page.getByLabel("PackageReference command")).toHaveText(`<PackageReference Include="${id}" Version="1.0.0" />`);
  await expect(page.getByText(`${BASE}/v3/index.json`)).toBeVisible();
  // the readme is text: its markup shows, and nothing in it ran
  await expect(page.getByRole("heading", { name: "README" })).toBeVisible();
  await expect(page.getByText("<script>window.__ran = true</script>", { exact: false })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran)).toBeUndefined();
  await expect(page.getByRole("complementary", { name: "Package details" }).getByText("Everything a profile test needs.")).toBeVisible();
  await expectAxeClean(page);
  const ownerLink = page.getByRole("complementary", { name: "Package details" }).getByRole("link", { name: owner.username });
  await expect(ownerLink).toHaveAttribute("href", `/profiles/${owner.username}`);
  expect((await page.request.get(`/packages/${id}/1.1.0`)).status()).toBe(404);
  await ownerLink.click();
  await expect(page.getByRole("link", { name: id })).toBeVisible();

  // another signed-in account: the same as anonymous
  await signIn(page, stranger, `/packages/${id}`);
  await expect(page.getByRole("table", { name: "Versions" }).getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("link", { name: "Manage package" })).toHaveCount(0);
  expect((await page.request.get(`/packages/${id}/1.1.0`)).status()).toBe(404);

  // the owner: both versions with their state, the unlisted version's page, and Manage package
  await page.context().clearCookies();
  await signIn(page, owner, `/packages/${id}`);
  const rows = page.getByRole("table", { name: "Versions" }).getByRole("row");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText("1.1.0");
  await expect(rows.nth(1)).toContainText("Unlisted");
  await expect(rows.nth(2)).toContainText("Listed");
  await expectAxeClean(page);
  await rows.nth(1).getByRole("link", { name: "1.1.0" }).click();
  await expect(page).toHaveURL(new RegExp(`/packages/${id}/1.1.0$`));
  await expect(page.getByRole("note")).toContainText("The owner has unlisted this package.");
  await expect(page.getByLabel(".NET CLI command")).toHaveText(`dotnet add package ${id} --version 1.1.0`);
  await expect(page.getByText(`Test package ${id}`)).toBeVisible();
  await expectAxeClean(page);
  await page.getByRole("link", { name: "Manage package" }).click();
  await expect(page).toHaveURL(new RegExp(`/packages/${id}/Manage$`));
  await expect(page.getByRole("heading", { name: "Owners", exact: true })).toBeVisible();
});

test("crafted paths and queries answer 400/404 or the first page, never an error", async ({ page }) => {
  const user = await createUser();
  for (const path of [`/profiles/${"x".repeat(300)}`, `/packages/${"x".repeat(300)}`, "/packages/No.Such.Id/1.0.0", `/packages/No.Such.Id/${"9".repeat(300)}`]) {
    expect((await page.request.get(path)).status(), path).toBe(404);
  }
  // a malformed %-escape is refused before any page runs
  for (const path of ["/profiles/%E0%A4%A", "/packages/%E0%A4%A", "/packages/No.Such.Id/%E0%A4%A"]) {
    expect([400, 404], path).toContain((await page.request.get(path)).status());
  }
  for (const query of ["?page=-5", "?page=abc", "?page=99999999999", "?page=1&page=2", "?page=1e3"]) {
    const r = await page.request.get(`/profiles/${user.username}${query}`);
    expect(r.status(), query).toBe(200);
    expect(await r.text()).toContain("0 Packages");
  }
});
