// The API Keys page as nuget.org draws it (issue #16): the rows' structure and type, the banners'
// icons, the wizard's proportions, the command box at narrow widths, and axe-core's WCAG 2.1 A/AA
// scan of the page empty, with keys, and with the wizard open.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import {
  KEY_NAMES,
  createForm,
  keyRow,
  openWizard,
  signedInOnEmptyPage,
  withEveryRowState,
} from "./apikeys-states";

type Box = { x: number; y: number; width: number; height: number };
async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  if (!b) throw new Error("not rendered");
  return b;
}
const css = (l: Locator, prop: string) => l.evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), prop);

async function expectAxeClean(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.passes.map((r) => r.id)).toEqual(expect.arrayContaining(["color-contrast", "svg-img-alt"]));
  // the ids and targets say which element failed which rule, should one fail
  expect(result.violations.map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target.join(" ")) }))).toEqual([]);
}

const EXPECTED = {
  [KEY_NAMES.new]: { icon: "New API key", status: "Expires in a year", statusIcon: "lucide-timer", actions: ["Copy", "Edit", "Regenerate", "Roll", "Delete", "Revoke"] },
  [KEY_NAMES.active]: { icon: "API key", status: "Expires in a year", statusIcon: "lucide-timer", actions: ["Edit", "Regenerate", "Roll", "Delete", "Revoke"] },
  [KEY_NAMES.expired]: { icon: "Expired API key", status: "Expired", statusIcon: "lucide-timer", actions: ["Edit", "Regenerate", "Delete"] },
  [KEY_NAMES.revoked]: { icon: "Revoked API key", status: "Revoked", statusIcon: "lucide-ban", actions: ["Edit", "Regenerate", "Delete"] },
} as const;

test.describe("at 1280 × 900", () => {
  test.use({ viewport: { width: 1280, height: 900 } });

  test("rows: icon by state, large light name, one status line, bold inline labels, icon links after the details", async ({ page }) => {
    const user = await signedInOnEmptyPage(page);
    await withEveryRowState(page, user);
    await expect(page.getByRole("list", { name: "API keys" }).getByRole("heading")).toHaveText([
      KEY_NAMES.new,
      KEY_NAMES.active,
      KEY_NAMES.revoked,
      KEY_NAMES.expired,
    ]);

    for (const [name, want] of Object.entries(EXPECTED)) {
      await test.step(name, async () => {
        const row = keyRow(page, name);
        await expect(row.getByRole("img", { name: want.icon, exact: true })).toBeVisible();

        // the name: about 28 px, light
        const heading = row.getByTestId("key-name");
        expect(parseFloat(await css(heading, "font-size"))).toBeGreaterThanOrEqual(26);
        expect(parseFloat(await css(heading, "font-size"))).toBeLessThanOrEqual(30);
        expect(await css(heading, "font-weight")).toBe("300");

        // one line: status icon + status, a divider, the eye (named "Scopes") + the scopes
        const line = row.getByTestId("key-status-line");
        const status = line.getByTestId("key-status");
        await expect(status).toHaveText(want.status);
        await expect(status.locator(`svg.${want.statusIcon}`)).toHaveAttribute("aria-hidden", "true");
        await expect(line.getByRole("img", { name: "Scopes" })).toBeVisible();
        await expect(line).toContainText("Push new packages and package versions");
        const lineHeight = parseFloat(await css(line, "line-height"));
        expect((await box(line)).height).toBeLessThan(lineHeight * 1.6);
        const [statusBox, scopesIcon] = [await box(status), await box(line.getByRole("img", { name: "Scopes" }))];
        expect(Math.abs(statusBox.y + statusBox.height / 2 - (scopesIcon.y + scopesIcon.height / 2))).toBeLessThan(4);
        expect(scopesIcon.x).toBeGreaterThan(statusBox.x + statusBox.width);

        // bold labels with their values inline
        const details = row.getByTestId("key-details");
        const owner = details.locator("div").filter({ hasText: "Package owner:" });
        await expect(owner.locator("dt")).toHaveText("Package owner:");
        await expect(owner.locator("dd")).toHaveText(user.username);
        for (const dt of await details.locator("dt").all()) expect(Number(await css(dt, "font-weight"))).toBeGreaterThanOrEqual(700);
        const [ownerLabel, ownerValue] = [await box(owner.locator("dt")), await box(owner.locator("dd"))];
        expect(Math.abs(ownerLabel.y - ownerValue.y)).toBeLessThan(2);
        expect(ownerValue.x).toBeGreaterThan(ownerLabel.x + ownerLabel.width);
        await expect(details.locator("dt")).toContainText(["Package owner:", "Created:", "Last used:"]);

        // the action links, each with its icon, in nuget.org's order, below the details, left-aligned with the name
        const actions = row.getByTestId("key-actions").getByRole("button");
        await expect(actions).toHaveText([...want.actions]);
        for (const a of await actions.all()) await expect(a.locator("svg")).toHaveAttribute("aria-hidden", "true");
        const [h, l, d, a] = [await box(heading), await box(line), await box(details), await box(row.getByTestId("key-actions"))];
        expect(h.y + h.height).toBeLessThanOrEqual(l.y + 1);
        expect(l.y + l.height).toBeLessThanOrEqual(d.y + 1);
        expect(d.y + d.height).toBeLessThanOrEqual(a.y + 1);
        expect(Math.abs(a.x - h.x)).toBeLessThan(2);
      });
    }
    await expect(keyRow(page, KEY_NAMES.active).getByTestId("key-details")).toContainText("Glob pattern:Contoso.*");
    // the rows' icons reference symbols drawn once in the page: each reference must find its drawing
    const unresolved = await page.getByRole("list", { name: "API keys" }).evaluate((list) =>
      [...list.querySelectorAll("use")].map((u) => u.getAttribute("href") ?? "").filter((href) => !document.querySelector(`symbol${href} path, symbol${href} circle`)),
    );
    expect(unresolved).toEqual([]);
    expect(await page.getByRole("list", { name: "API keys" }).locator("use").count()).toBeGreaterThan(20);
  });

  test("banners carry their icon and body-size type", async ({ page }) => {
    const user = await signedInOnEmptyPage(page);
    const empty = page.getByText("You don't have any API keys.");
    await expect(empty).toBeVisible();
    // the empty list's banner (the Trusted Publishing banner above is info too)
    await expect(page.locator('[data-tone="info"]').filter({ hasText: "You don't have any API keys." }).getByRole("img", { name: "Information" })).toBeVisible();

    await withEveryRowState(page, user);
    for (const id of ["created-banner", "revoked-banner", "expired-banner"]) {
      const banner = page.getByTestId(id);
      await expect(banner.getByRole("img", { name: "Warning" })).toBeVisible();
      expect(await css(banner, "font-size")).toBe("16px");
      const [icon, text] = [await box(banner.getByRole("img", { name: "Warning" })), await box(banner.locator("div"))];
      expect(icon.x + icon.width).toBeLessThanOrEqual(text.x);
      expect(Math.abs(icon.y - text.y)).toBeLessThan(8);
    }
    await expect(page.getByTestId("revoked-banner")).toContainText(`Your API key '${KEY_NAMES.revoked}' has been revoked.`);
    await expect(page.getByTestId("expired-banner")).toHaveText(`Your API key '${KEY_NAMES.expired}' has expired.`);
  });

  test("the wizard: nuget.org's heading size, Expires In about 40% of the form, Key Name and Package Owner alike", async ({ page }) => {
    await signedInOnEmptyPage(page);
    for (const name of ["Create", "Manage"] as const) {
      const size = parseFloat(await css(page.getByRole("heading", { name }), "font-size"));
      expect(size).toBeGreaterThanOrEqual(32);
      expect(size).toBeLessThanOrEqual(36);
    }
    await openWizard(page);
    const form = await box(createForm(page));
    const [nameBox, expires, owner] = [
      await box(page.getByLabel("Key Name")),
      await box(page.getByLabel("Expires In")),
      await box(page.getByLabel("Package Owner")),
    ];
    expect(expires.width / form.width).toBeGreaterThan(0.35);
    expect(expires.width / form.width).toBeLessThan(0.45);
    expect(Math.abs(nameBox.y - expires.y)).toBeLessThan(2);
    expect(expires.x).toBeGreaterThan(nameBox.x + nameBox.width);
    expect(Math.abs(owner.width - nameBox.width)).toBeLessThan(2);
    expect(Math.abs(owner.x - nameBox.x)).toBeLessThan(2);
    // the form sits in the content column, which starts where the header's does
    const [logo, breadcrumb] = [await box(page.getByRole("link", { name: "nuget" })), await box(page.getByRole("navigation", { name: "Breadcrumb" }))];
    expect(Math.abs(logo.x - breadcrumb.x)).toBeLessThan(2);
    expect(Math.abs(form.x - breadcrumb.x)).toBeLessThan(2);
  });
});

test("axe-core: no WCAG 2.1 A/AA violation on the page empty, with keys, and with the wizard open", async ({ page }) => {
  const user = await signedInOnEmptyPage(page);
  await expect(page.getByText("You don't have any API keys.")).toBeVisible();
  await test.step("empty", () => expectAxeClean(page));
  await withEveryRowState(page, user);
  await test.step("with keys", () => expectAxeClean(page));
  await openWizard(page);
  await test.step("wizard open", () => expectAxeClean(page));
});

test("the 'Using your API key' commands stay inside their frame from 360 px up", async ({ page }) => {
  await signedInOnEmptyPage(page);
  for (const width of [360, 375, 414, 768, 1280]) {
    await test.step(`${width} px`, async () => {
      await page.setViewportSize({ width, height: 800 });
      const commands = page.getByTestId("using-keys").locator("pre");
      await expect(commands).toContainText("dotnet nuget push");
      const { scroll, client } = await commands.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(scroll).toBeLessThanOrEqual(client);
      const frame = await box(commands);
      expect(frame.x).toBeGreaterThanOrEqual(0);
      expect(frame.x + frame.width).toBeLessThanOrEqual(width);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    });
  }
});
