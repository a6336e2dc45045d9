// axe-core's WCAG 2.1 A and AA rules over every page of the site (issue 15, accessibility), each
// with content in it: a user who owns a package (pushed with a key, one version unlisted) and
// an organization, the organization's pages, the package's pages, and the site administrator's
// reserved namespaces. Any violation on any page fails, named by page, rule and element.
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { createUser, e2eDb, signIn, signedInPage } from "./fixtures";
import { buildNupkg } from "./nupkg";
import { makeKey, makeOrganization } from "./nuget/data";
import { pushOverHttp, setListed } from "./nuget/http";
import { PAGE_ADMIN, siteAdmin } from "./site-admin";

const { createPolicy } = await import("@/lib/trusted-publishing/policies");

const BASE = process.env.E2E_BASE_URL!;

/** A nuspec with what Verify shows: title, license, readme, dependencies by framework. */
function uploadNuspec(id: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>
<id>${id}</id><version>1.0.0</version><title>Axe upload</title><authors>axe</authors><description>Scanned at Verify.</description>
<license type="expression">MIT</license><readme>README.md</readme>
<dependencies><group targetFramework="net8.0"><dependency id="Newtonsoft.Json" version="13.0.1" /></group><group targetFramework="netstandard2.0" /></dependencies>
</metadata></package>`;
}

type Violations = Record<string, { id: string; targets: string[] }[]>;

async function scan(page: Page, path: string, found: Violations, status = 200) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBe(status);
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  if (result.violations.length) found[path] = result.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

test.describe.configure({ timeout: 180_000 });

test("the public pages and the 404 page pass axe's WCAG 2.1 A and AA rules", async ({ page }) => {
  const owner = await createUser();
  const id = `Axe.P${randomBytes(4).toString("hex")}`;
  const key = await makeKey(owner, { name: "axe push key", actions: ["package:push"], subjects: ["*"] });
  expect((await pushOverHttp(BASE, buildNupkg({ id, version: "1.0.0" }), key.plaintext)).status).toBe(201);
  const found: Violations = {};
  for (const path of ["/", "/users/account/LogOn", "/users/account/Register", "/packages", `/packages?q=${id}`, "/packages?q=no-such-package-anywhere", `/packages/${id}`, `/packages/${id}/1.0.0`, `/profiles/${owner.username}`]) {
    await scan(page, path, found);
  }
  await scan(page, `/no-such-page-${randomBytes(3).toString("hex")}`, found, 404);
  expect(found).toEqual({});
});

test("every signed-in page, an organization's and a package owner's, passes axe's WCAG 2.1 A and AA rules", async ({ page }) => {
  const user = await createUser();
  const org = await makeOrganization(e2eDb(), user.id);
  const id = `Axe.Own${randomBytes(4).toString("hex")}`;
  const key = await makeKey(user, { name: "axe push key", actions: ["package:push", "package:unlist"], subjects: ["Axe.*"] });
  await makeKey(user, { name: "axe org key", actions: ["package:push"], subjects: ["*"], ownerId: org.id });
  expect((await pushOverHttp(BASE, buildNupkg({ id, version: "1.0.0" }), key.plaintext)).status).toBe(201);
  expect((await pushOverHttp(BASE, buildNupkg({ id, version: "1.1.0" }), key.plaintext)).status).toBe(201);
  expect((await setListed(BASE, id, "1.0.0", false, key.plaintext)).status).toBe(200);
  // a Trusted Publishing policy, so its row is scanned too
  const policy = await createPolicy(
    e2eDb(),
    user.id,
    { policyName: "axe policy", owner: user.username, publisherType: "GitHubActions", repositoryOwner: "contoso", repository: "sdk", workflowFile: "release.yml", environment: "prod", policyScopes: ["package:push"], policySubjects: "Axe.*" },
    { lookup: async () => null },
  );
  expect(policy.ok).toBe(true);

  await signIn(page, user, "/");
  const found: Violations = {};
  for (const path of [
    "/",
    "/account",
    "/account/apikeys",
    "/account/trustedpublishing",
    "/account/trustedpublishing?fromApiKeys=true",
    "/account/Packages",
    "/account/Organizations",
    "/organization/add",
    `/organization/${org.username}`,
    `/organization/${org.username}/apikeys`,
    `/organization/${org.username}/DeleteRequest`,
    "/account/transform",
    "/packages",
    `/packages/${id}`,
    `/packages/${id}/1.0.0`,
    `/packages/${id}/Manage`,
    "/packages/manage/upload",
    `/profiles/${user.username}`,
    `/profiles/${org.username}`,
  ]) {
    await scan(page, path, found);
  }
  // Upload Package's second step, Verify, with a readme and dependencies (the first is scanned above)
  const upId = `Axe.Up${randomBytes(4).toString("hex")}`;
  const uploaded = buildNupkg({ id: upId, version: "1.0.0", nuspec: uploadNuspec(upId), files: { "README.md": "# Hello\n\nSee [the docs](https://example.test/docs).\n" } });
  const posted = await page.request.post(`${BASE}/packages/manage/upload/file`, { data: Buffer.from(uploaded), headers: { Origin: BASE, "Content-Type": "application/octet-stream", "X-File-Name": "axe.nupkg" } });
  expect(posted.status(), await posted.text()).toBe(200);
  await scan(page, "/packages/manage/upload?step=verify", found);
  expect(found).toEqual({});
});

test("the site administrator's Reserved Namespaces page passes axe's WCAG 2.1 A and AA rules", async ({ browser }) => {
  const admin = await siteAdmin(PAGE_ADMIN);
  const page = await signedInPage(browser, admin, "/admin/ReservedNamespaces");
  const found: Violations = {};
  await scan(page, "/admin/ReservedNamespaces", found);
  expect(found).toEqual({});
});
