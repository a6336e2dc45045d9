// The site frame: nuget.org's bar and nav (its other sections on nuget.org), the menu for a signed-in user.
import { expect, test } from "@playwright/test";
import { NAV, isExternal } from "@/components/layout/nav";
import { createUser, signIn } from "./fixtures";

test("the bar shows the nuget mark, the nav and Sign in; every nav entry answers", async ({ page }) => {
  await page.goto("/");
  const bar = page.getByRole("navigation", { name: "Main" });
  await expect(bar.getByRole("link", { name: "nuget" })).toBeVisible();
  for (const item of NAV) await expect(bar.getByRole("link", { name: item.label, exact: true })).toBeVisible();
  await expect(bar.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/users/account/LogOn");
  // the sections this site does not have lead to nuget.org's own pages
  for (const item of NAV.filter((i) => isExternal(i.href))) {
    await expect(bar.getByRole("link", { name: item.label, exact: true })).toHaveAttribute("href", item.href);
    expect((await page.request.get(new URL(item.href).pathname)).status(), item.href).toBe(404);
  }
  // Packages is open to all; Upload, as on nuget.org, asks a signed-out visitor to sign in first
  const expected: Record<string, string> = { Packages: "Packages", Upload: "Sign in" };
  for (const item of NAV.filter((i) => !isExternal(i.href))) {
    const res = await page.goto(item.href);
    expect(res?.status(), item.href).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(expected[item.label]);
  }
  expect(new URL(page.url()).searchParams.get("returnUrl")).toBe("/packages/manage/upload");
});

test("GET / answers 200 without redirecting (NuGet 2.8.7 probes it before a push)", async ({ request }) => {
  const res = await request.get("/", { maxRedirects: 0 });
  expect(res.status()).toBe(200);
});

test("security headers are sent", async ({ request }) => {
  const res = await request.get("/");
  const h = res.headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["x-powered-by"]).toBeUndefined();
});

test("the frame fits a phone screen without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
});

test("signed in, the bar shows the user's menu in nuget.org's order, every entry a working page", async ({ page }) => {
  const user = await createUser();
  await signIn(page, user, "/");
  const bar = page.getByRole("navigation", { name: "Main" });
  await expect(bar.getByRole("link", { name: "Sign in" })).toHaveCount(0);
  await bar.getByRole("button", { name: user.username }).click();
  const menu = page.getByRole("menu", { name: "User menu" });
  await expect(menu.getByRole("menuitem")).toHaveText([
    "View Profile",
    "Account Settings",
    "Trusted Publishing",
    "API Keys",
    "Manage Organizations",
    "Manage Packages",
    "Upload Package",
    "Sign Out",
  ]);
  // none is disabled any more: every entry leads to a page that answers
  await expect(menu.locator('[aria-disabled="true"]')).toHaveCount(0);
  for (const [name, path] of [["View Profile", `/profiles/${user.username}`], ["Account Settings", "/account"], ["Trusted Publishing", "/account/trustedpublishing"], ["API Keys", "/account/apikeys"], ["Manage Organizations", "/account/Organizations"], ["Manage Packages", "/account/Packages"], ["Upload Package", "/packages/manage/upload"]]) {
    await expect(menu.getByRole("menuitem", { name })).toHaveAttribute("href", path);
    expect((await page.request.get(path)).status(), path).toBe(200);
  }
  // Escape closes it, from the keyboard
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await bar.getByRole("button", { name: user.username }).click();
  await page.getByRole("menuitem", { name: "Sign Out" }).click();
  await expect(bar.getByRole("link", { name: "Sign in" })).toBeVisible();
});

test("account pages never re-issue the session cookie, so a prefetch in flight cannot undo a sign-out", async ({ page }) => {
  const user = await createUser();
  await signIn(page, user, "/account");
  for (const path of ["/account", "/account/apikeys", "/account/Packages", "/users/account/LogOn"]) {
    const res = await page.request.get(path, { maxRedirects: 0 });
    // signed in: the account pages render (a redirect to sign-in would test nothing)
    if (path.startsWith("/account")) expect(res.status(), path).toBe(200);
    const setCookies = res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
    expect(setCookies.filter((c) => /authjs\.session-token/.test(c)), path).toEqual([]);
  }
});
