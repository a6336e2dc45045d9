// Screenshots of the API Keys page for `npm run shots`: each row state, the banners, the open
// wizard and the whole page, at 1280×900 and 375×800, into .data/shots/.
import { expect, test } from "@playwright/test";
import { KEY_NAMES, keyRow, openWizard, signedInOnEmptyPage, withEveryRowState } from "./apikeys-states";

const DIR = ".data/shots";
const SIZES = [
  { width: 1280, height: 900 },
  { width: 375, height: 800 },
] as const;

for (const size of SIZES) {
  test(`API Keys page at ${size.width}×${size.height}`, async ({ page }) => {
    await page.setViewportSize(size);
    const shot = (name: string) => `${DIR}/${size.width}-${name}.png`;
    const user = await signedInOnEmptyPage(page);
    await page.screenshot({ path: shot("page-empty"), fullPage: true });

    await withEveryRowState(page, user);
    for (const [state, name] of Object.entries(KEY_NAMES)) await keyRow(page, name).screenshot({ path: shot(`row-${state}`) });
    for (const banner of ["created-banner", "revoked-banner", "expired-banner"]) {
      await page.getByTestId(banner).screenshot({ path: shot(banner) });
    }
    await page.screenshot({ path: shot("page-keys"), fullPage: true });

    await openWizard(page);
    await page.getByLabel("Key Name").fill("Fabrikam API key");
    await page.getByRole("form", { name: "Create API key" }).screenshot({ path: shot("wizard") });
    await page.screenshot({ path: shot("page-wizard"), fullPage: true });
    await expect(page.getByRole("heading", { name: "Create" })).toBeVisible();
  });
}
