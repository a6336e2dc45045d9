// Upload Package (/packages/manage/upload, issue 15 item 1): a package built here is uploaded in
// the browser, verified, submitted and found on its page and the profile; the next version is
// pushed with NuGet.exe 5.8 and the uploaded one installed with it. Then every refusal next to
// the field, a readme trying to run script, the keyboard alone, and requests made by hand: no
// session, another site, a stalled body, another account's upload.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { createUser, e2eDb, signIn, tamperNextAction, type TestUser } from "./fixtures";
import { checkClients, push, runNuget, sandbox } from "./nuget/clients";
import { makeKey, makeOrganization } from "./nuget/data";
import { pushOverHttp } from "./nuget/http";
import { buildNupkg } from "./nupkg";
import { reserve } from "./site-admin";

const BASE = process.env.E2E_BASE_URL!;
const V3 = `${BASE}/v3/index.json`;
const UPLOAD = "/packages/manage/upload";
const FILE_ROUTE = `${UPLOAD}/file`;

const newId = (prefix = "Upload") => `${prefix}.T${randomBytes(4).toString("hex")}`;

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A package with everything Verify shows: title, description, authors, license, readme, dependencies by framework. */
function richPackage(id: string, version: string, readme = `# ${id}\n\nA **bold** start. See [the docs](https://example.test/docs).\n`): Uint8Array {
  const nuspec = `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>${id}</id>
    <version>${version}</version>
    <title>${xml(`${id} title`)}</title>
    <authors>Ada, Grace</authors>
    <description>Uploaded in the browser by the e2e tests.</description>
    <license type="expression">MIT</license>
    <readme>docs/README.md</readme>
    <dependencies>
      <group targetFramework="net8.0"><dependency id="Newtonsoft.Json" version="13.0.1" /></group>
      <group targetFramework="netstandard2.0" />
    </dependencies>
  </metadata>
</package>
`;
  return buildNupkg({ id, version, nuspec, files: { "docs/README.md": readme } });
}

async function chooseFile(page: Page, name: string, bytes: Uint8Array) {
  await page.getByLabel("Package file (.nupkg)").setInputFiles({ name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
}

async function uploadInPage(page: Page, name: string, bytes: Uint8Array) {
  await chooseFile(page, name, bytes);
  await page.getByRole("button", { name: "Upload" }).click();
}

/** The message under the file field (the input's aria-describedby names it). */
const fileError = (page: Page) => page.locator("#uploadFile-error");

async function pendingOf(user: TestUser) {
  return e2eDb().pendingUpload.findUnique({ where: { userId: user.id } });
}

test.describe.configure({ timeout: 240_000 });

test("upload, verify and submit; the package on its page, the profile and Manage Packages; the next version pushed by NuGet.exe 5.8; installed with it", async ({ page }) => {
  const clients = checkClients();
  if (!clients.ok && process.env.CI === "true") throw new Error(`NuGet clients missing: ${clients.missing.join(", ")}`);
  test.skip(!clients.ok, `NuGet clients missing: ${clients.missing.join(", ")}`);
  const user = await createUser();
  const org = await makeOrganization(e2eDb(), user.id);
  const id = newId();
  await signIn(page, user, "/");

  // the user menu's entry leads here
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: user.username }).click();
  await page.getByRole("menuitem", { name: "Upload Package" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Upload Package" })).toBeVisible();

  await uploadInPage(page, `${id}.1.0.0.nupkg`, richPackage(id, "1.0.0"));
  const verify = page.getByRole("heading", { name: "Verify" });
  await expect(verify).toBeFocused();
  // survives a reload
  await page.reload();
  const details = page.getByRole("definition");
  const row = (label: string) => page.getByRole("term").filter({ hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]");
  await expect(row("Package ID")).toHaveText(id);
  await expect(row("Version")).toHaveText("1.0.0");
  await expect(row("Title")).toHaveText(`${id} title`);
  await expect(row("Description")).toHaveText("Uploaded in the browser by the e2e tests.");
  await expect(row("Authors")).toHaveText("Ada, Grace");
  await expect(row("License")).toHaveText("MIT");
  expect(await details.count()).toBeGreaterThanOrEqual(6);
  const deps = page.getByRole("region", { name: "Dependencies" });
  await expect(deps.getByRole("listitem").filter({ hasText: "net8.0" })).toContainText("Newtonsoft.Json (13.0.1)");
  await expect(deps.getByRole("listitem").filter({ hasText: "netstandard2.0" })).toContainText("No dependencies.");
  const readme = page.getByTestId("readme");
  await expect(readme.getByRole("heading", { level: 1, name: id })).toBeVisible();
  await expect(readme.locator("strong")).toHaveText("bold");
  await expect(readme.getByRole("link", { name: "the docs" })).toHaveAttribute("href", "https://example.test/docs");
  // a new id: published as the user or one of their organizations
  await expect(page.getByLabel("Owner").locator("option")).toHaveText([user.username, org.username]);
  const pending = await pendingOf(user);
  expect(pending).toMatchObject({ packageId: id, version: "1.0.0" });

  await page.getByRole("button", { name: "Submit" }).click();
  await page.waitForURL(`**/packages/${id}/1.0.0`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(id);
  const stored = await e2eDb().packageVersion.findFirstOrThrow({ where: { registration: { packageId: id } } });
  expect(stored).toMatchObject({ version: "1.0.0", pushedById: user.id, pushedByKeyId: null, pushedByKeyName: null, pushedVia: "browser" });
  expect(await pendingOf(user)).toBeNull();
  expect(existsSync(path.join(".data/e2e/packages/.uploads", `${user.id}.${pending!.id}.nupkg`))).toBe(false);

  await page.goto(`/profiles/${user.username}`);
  await expect(page.getByRole("link", { name: id })).toBeVisible();
  await page.goto("/account/Packages");
  await page.getByText("1 version", { exact: true }).click();
  await expect(page.getByText(`${user.username}, uploaded in the browser`)).toBeVisible();

  // the next version with a real client and a key
  const key = await makeKey(user, { name: "next version", actions: ["package:pushversion"], subjects: [id] });
  const next = { id, version: "1.1.0", file: `${id}.1.1.0.nupkg`, bytes: richPackage(id, "1.1.0") };
  const pushed = await push("nuget-5.8", next, { source: V3, apiKey: key.plaintext });
  expect(pushed.exitCode, pushed.output).toBe(0);
  await page.goto(`/packages/${id}`);
  const versions = page.getByRole("table");
  await expect(versions.getByRole("link", { name: "1.1.0" })).toBeVisible();
  await expect(versions.getByRole("link", { name: "1.0.0" })).toBeVisible();

  // the uploaded version installs from /v3/index.json (its Newtonsoft.Json dependency is nuget.org's, not on this feed: not resolved)
  const box = await sandbox();
  try {
    const install = await runNuget("nuget-5.8", ["install", id, "-Version", "1.0.0", "-DependencyVersion", "Ignore", "-Source", V3, "-OutputDirectory", "out", "-NoCache", "-DirectDownload"], { box });
    expect(install.exitCode, install.output).toBe(0);
    expect(install.output).toContain(`Successfully installed '${id} 1.0.0'`);
  } finally {
    await box.dispose();
  }
});

test("every refusal is shown under the file field in nuget.org's words, and nothing is kept", async ({ page }) => {
  const user = await createUser();
  const other = await createUser();
  const otherKey = await makeKey(other, { actions: ["package:push"], subjects: ["*"] });
  const taken = newId("Taken");
  expect((await pushOverHttp(BASE, buildNupkg({ id: taken, version: "1.0.0" }), otherKey.plaintext)).status).toBe(201);
  const mine = newId("Mine");
  const myKey = await makeKey(user, { name: "push", actions: ["package:push"], subjects: ["*"] });
  expect((await pushOverHttp(BASE, buildNupkg({ id: mine, version: "1.0.0" }), myKey.plaintext)).status).toBe(201);
  const prefix = `Upres${randomBytes(4).toString("hex")}.`;
  await reserve(prefix, [other.username]);
  await signIn(page, user, UPLOAD);

  // checked in the page before sending
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(fileError(page)).toHaveText("A package file is required.");
  await expect(page.getByLabel("Package file (.nupkg)")).toBeFocused();
  await uploadInPage(page, "notes.txt", new TextEncoder().encode("hello"));
  await expect(fileError(page)).toHaveText("The file must be a .nupkg file.");
  await uploadInPage(page, "huge.nupkg", new Uint8Array(20 * 1024 * 1024 + 1));
  await expect(fileError(page)).toHaveText("The package is larger than the limit of 20 MB.");

  // checked by the server, as a push is
  const cases: [string, Uint8Array, string | RegExp][] = [
    ["broken.nupkg", new TextEncoder().encode("not a zip at all"), "The NuGet package is invalid. The error encountered was:'The package is not a valid .nupkg (zip) file.'. Correct the error and try again."],
    ["taken.nupkg", buildNupkg({ id: taken, version: "2.0.0" }), `The package ID '${taken}' is not available.`],
    ["exists.nupkg", buildNupkg({ id: mine, version: "1.0.0" }), `A package with ID '${mine}' and version '1.0.0' already exists and cannot be modified.`],
    ["reserved.nupkg", buildNupkg({ id: `${prefix}Lib`, version: "1.0.0" }), /^This package ID has been reserved\. Please request access to upload to this reserved namespace/],
    [
      "leaky.nupkg",
      buildNupkg({ id: newId("Leaky"), version: "1.0.0", files: { "tools/publish.ps1": `nuget push x.nupkg -ApiKey ${myKey.plaintext}\n` } }),
      "The package contains a live API key in the file 'tools/publish.ps1'. The key has been revoked and its owner notified.",
    ],
  ];
  for (const [name, bytes, message] of cases) {
    await uploadInPage(page, name, bytes);
    await expect(fileError(page), name).toHaveText(message);
    await expect(page.getByRole("heading", { name: "Verify" })).toHaveCount(0);
  }
  expect(await pendingOf(user)).toBeNull();
  // the scan revoked the key it found
  expect((await e2eDb().apiKey.findUniqueOrThrow({ where: { id: myKey.id } })).revokedAt).not.toBeNull();
  // too large for the server too, whatever the page says
  const big = await page.request.post(FILE_ROUTE, { data: Buffer.alloc(20 * 1024 * 1024 + 1), headers: { Origin: BASE, "X-File-Name": "big.nupkg" } });
  expect(big.status()).toBe(413);
  expect(await big.json()).toEqual({ error: "The package is larger than the limit of 20 MB." });
});

test("a readme trying to run script is rendered inert: raw HTML escaped, javascript: links dropped", async ({ page }) => {
  const user = await createUser();
  const id = newId("Inert");
  const readme = [
    "# Hostile",
    "<script>window.__pwned = 'script'</script>",
    '<img src="x" onerror="window.__pwned = \'img\'">',
    "[click me](javascript:window.__pwned='link')",
    "[data](data:text/html,<script>alert(1)</script>)",
    "<a href=\"javascript:window.__pwned='raw'\">raw link</a>",
  ].join("\n\n");
  await signIn(page, user, UPLOAD);
  await uploadInPage(page, "inert.nupkg", richPackage(id, "1.0.0", readme));
  const box = page.getByTestId("readme");
  await expect(box.getByRole("heading", { name: "Hostile" })).toBeVisible();
  await expect(box).toContainText("<script>window.__pwned = 'script'</script>");
  await expect(box).toContainText("click me");
  expect(await box.locator("script, img, iframe").count()).toBe(0);
  expect(await box.locator("a").count()).toBe(0);
  await box.getByText("click me").click();
  expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned)).toBeUndefined();
});

test("keyboard only: choose the file, upload, verify and submit without a mouse; Cancel discards an upload", async ({ page }) => {
  const user = await createUser();
  const id = newId("Keys");
  await signIn(page, user, UPLOAD);
  const input = page.getByLabel("Package file (.nupkg)");
  await input.focus();
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Space");
  await (await chooser).setFiles({ name: `${id}.nupkg`, mimeType: "application/octet-stream", buffer: Buffer.from(richPackage(id, "1.0.0")) });
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Upload" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Verify" })).toBeFocused();
  // from the heading, Tab reaches the owner, then Submit (the readme's link comes first)
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    if (await page.getByRole("button", { name: "Submit" }).evaluate((b) => b === document.activeElement)) break;
  }
  await expect(page.getByRole("button", { name: "Submit" })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.waitForURL(`**/packages/${id}/1.0.0`);
  expect(await e2eDb().packageVersion.count({ where: { registration: { packageId: id }, pushedVia: "browser" } })).toBe(1);

  // Cancel, by keyboard too: the row and the file go
  await page.goto(UPLOAD);
  await uploadInPage(page, "again.nupkg", richPackage(id, "2.0.0"));
  await expect(page.getByRole("heading", { name: "Verify" })).toBeFocused();
  const pending = (await pendingOf(user))!;
  const file = path.join(".data/e2e/packages/.uploads", `${user.id}.${pending.id}.nupkg`);
  expect(existsSync(file)).toBe(true);
  await page.getByRole("button", { name: "Cancel" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Package file (.nupkg)")).toBeVisible();
  expect(await pendingOf(user)).toBeNull();
  expect(existsSync(file)).toBe(false);
  expect(await e2eDb().packageVersion.count({ where: { registration: { packageId: id } } })).toBe(1);
});

/** The signed-in page's cookies as a Cookie header, for requests made by hand. */
async function cookieHeader(page: Page): Promise<string> {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}

/**
 * Posts a body by hand, `parts` one after another with a pause between them, and reads the
 * answer until the server closes; `sofar` is what had come back before the last part was sent.
 */
function postByHand(route: string, headers: Record<string, string>, parts: Uint8Array[], length: number) {
  const { port, hostname } = new URL(BASE);
  const head = Object.entries({ Host: `${hostname}:${port}`, Origin: BASE, "X-File-Name": "by-hand.nupkg", "Content-Type": "application/octet-stream", "Content-Length": String(length), Connection: "close", ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  return new Promise<{ sofar: string; answer: string }>((resolve, reject) => {
    let got = "";
    let sofar = "";
    const socket = net.connect(Number(port), hostname, async () => {
      socket.write(`POST ${route} HTTP/1.1\r\n${head}\r\n`);
      for (const [i, part] of parts.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, 1_000));
        sofar = got;
        socket.write(part);
      }
    });
    socket.on("data", (d) => (got += d.toString("latin1")));
    socket.on("close", () => resolve({ sofar, answer: got }));
    socket.on("error", reject);
    socket.setTimeout(30_000, () => socket.destroy(new Error("no answer in 30 s")));
  });
}

test("a refused upload is answered once its body is in: a client still sending reads the reason, not a reset connection", async () => {
  const data = Buffer.alloc(512 * 1024, 7);
  const half = data.byteLength / 2;
  // signed out: refused on its headers, but the answer waits for the rest of the body
  const { sofar, answer } = await postByHand(FILE_ROUTE, {}, [data.subarray(0, half), data.subarray(half)], data.byteLength);
  expect(sofar).toBe("");
  expect(answer).toMatch(/^HTTP\/1\.1 401/);
  expect(answer).toContain("Your session has ended. Sign in again to upload a package.");
});

test("requests made by hand: signed out, from another site, stalled; another account's upload is out of reach", async ({ page, browser }) => {
  const data = Buffer.from(buildNupkg({ id: newId("Hand"), version: "1.0.0" }));
  // signed out
  const anonymous = await page.request.post(FILE_ROUTE, { data, headers: { Origin: BASE, "X-File-Name": "a.nupkg" } });
  expect(anonymous.status()).toBe(401);

  const owner = await createUser();
  await signIn(page, owner, UPLOAD);
  // another site's page, or no Origin at all (not a browser's form or script): refused before the route
  for (const headers of [{ Origin: "https://evil.example" }, { Origin: "null" }, {}] as Record<string, string>[]) {
    const r = await page.request.post(FILE_ROUTE, { data, headers: { ...headers, "X-File-Name": "a.nupkg" } });
    expect(r.status(), JSON.stringify(headers)).toBe(403);
  }
  expect(await pendingOf(owner)).toBeNull();

  // a body that stops arriving is given up (PUSH_IDLE_TIMEOUT_SECONDS=5 in the e2e server) and the connection closed
  const { answer } = await postByHand(FILE_ROUTE, { Cookie: await cookieHeader(page) }, [data.subarray(0, 100)], data.byteLength);
  expect(answer).toMatch(/^HTTP\/1\.1 408/);
  expect(answer).toContain("The upload stopped: no data arrived for 5 seconds.");
  expect(await pendingOf(owner)).toBeNull();

  // the owner's pending upload
  await uploadInPage(page, "mine.nupkg", data);
  await expect(page.getByRole("heading", { name: "Verify" })).toBeVisible();
  const theirs = (await pendingOf(owner))!;

  // another account sees its own step 1, and its Submit and Cancel with the owner's upload id do nothing to it
  const intruder = await createUser();
  const context = await browser.newContext();
  const other = await context.newPage();
  await signIn(other, intruder, UPLOAD);
  await expect(other.getByLabel("Package file (.nupkg)")).toBeVisible();
  await expect(other.getByText(theirs.packageId)).toHaveCount(0);
  const own = newId("Intruder");
  await uploadInPage(other, "own.nupkg", buildNupkg({ id: own, version: "1.0.0" }));
  await expect(other.getByRole("heading", { name: "Verify" })).toBeVisible();
  const ownPending = (await pendingOf(intruder))!;
  for (const button of ["Submit", "Cancel"]) {
    const sent = await tamperNextAction(other, UPLOAD, (body) => body.replaceAll(ownPending.id, theirs.id));
    await other.getByRole("button", { name: button }).click();
    expect(await sent(), button).toBeLessThan(500);
  }
  expect(await pendingOf(owner)).toMatchObject({ id: theirs.id });
  expect(await e2eDb().packageRegistration.count({ where: { packageId: theirs.packageId } })).toBe(0);
  await context.close();
});
