// The site frame: nuget.org's bar and nav, placeholders that answer, the menu for a signed-in user.
import { expect, test } from "@playwright/test";

// nuget.org's nav, in its order (kept in step with components/layout/site-header.tsx)
const NAV = [
  { href: "/packages", label: "Packages" },
  { href: "/packages/manage/upload", label: "Upload" },
  { href: "/stats", label: "Statistics" },
  { href: "/docs", label: "Documentation" },
  { href: "/downloads", label: "Downloads" },
  { href: "/blog", label: "Blog" },
];

test("the bar shows the nuget mark, the nav and Sign in; every nav entry answers", async ({ page }) => {
  await page.goto("/");
  const bar = page.getByRole("navigation", { name: "Main" });
  await expect(bar.getByRole("link", { name: "nuget" })).toBeVisible();
  for (const item of NAV) await expect(bar.getByRole("link", { name: item.label, exact: true })).toBeVisible();
  await expect(bar.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/users/account/LogOn");
  for (const item of NAV) {
    const res = await page.goto(item.href);
    expect(res?.status(), item.href).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(item.label);
  }
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
