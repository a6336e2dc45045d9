// Roll with overlap and address limits (issue 14 items 2 and 4), in Chromium and with the real
// NuGet clients: the old secret pushes during the grace and is refused once the overlap ends or
// runs out; a key limited to an address range the client (127.0.0.1) is outside is refused with
// the reason the client prints; every new server action refuses another account's key ids.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createUser, e2eDb, signIn, tamperNextAction, type TestUser } from "./fixtures";
import { checkClients, NUGET_CLIENTS, pack, push, type NugetClient, type RunResult } from "./nuget/clients";
import { findVersion, makeKey } from "./nuget/data";
import { PAGE, createForm, keyRow, sectionToggle } from "./apikeys-states";

const BASE = process.env.E2E_BASE_URL!;
const V2 = `${BASE}/api/v2/package`;
const INVALID = "The specified API key is invalid, has expired, or does not have permission to access the specified package.";
const KEY_RE = /^oy2[a-z2-7]{43}$/;
const outside = (name: string) =>
  `The API key '${name}' cannot be used from the address 127.0.0.1: it is limited to other address ranges (see the key on the API keys page).`;

test.describe.configure({ timeout: 240_000 });

function needClients() {
  const found = checkClients();
  if (found.ok) return;
  const message = `NuGet clients missing (${found.missing.join(", ")})`;
  if (process.env.CI === "true") throw new Error(message);
  test.skip(true, message);
}

const newId = (prefix: string) => `${prefix}.T${randomBytes(4).toString("hex")}`;

function expectPushed(r: RunResult) {
  expect(r.output).toContain("Your package was pushed.");
  expect(r.exitCode, r.output).toBe(0);
}

/** How each client prints a refusal with reason phrase R (notes/nuget-clients.md §4). */
function expectRefused(client: NugetClient, r: RunResult, reason: string) {
  expect(r.exitCode, r.output).not.toBe(0);
  if (client === "nuget-2.8.7") expect(r.output).toContain(`The remote server returned an error: (403) ${reason}.`);
  else expect(r.output).toContain(`Response status code does not indicate success: 403 (${reason}).`);
}

async function pushWith(client: NugetClient, apiKey: string, prefix: string) {
  const id = newId(prefix);
  return { id, result: await push(client, await pack(id, "1.0.0"), { source: V2, apiKey }) };
}

async function onPage(page: Page, user: TestUser) {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, user, PAGE);
}

async function copyNewKey(page: Page, name: string): Promise<string> {
  await keyRow(page, name).getByRole("button", { name: "Copy" }).click();
  const plaintext = await page.evaluate(() => navigator.clipboard.readText());
  expect(plaintext).toMatch(KEY_RE);
  return plaintext;
}

async function rollOnPage(page: Page, name: string, grace: string) {
  const row = keyRow(page, name);
  await row.getByRole("button", { name: "Roll" }).click();
  const form = page.getByRole("form", { name: `Roll ${name}` });
  await form.getByLabel("Keep the old secret working for").selectOption({ label: grace });
  await form.getByRole("button", { name: "Roll" }).click();
}

test("roll in the browser: both secrets push during the grace; End overlap now (or the grace running out) refuses the old one", async ({ page }) => {
  needClients();
  const user = await createUser();
  const key = await makeKey(user, { name: "ci roll", actions: ["package:push"], subjects: ["*"] });
  await onPage(page, user);

  await rollOnPage(page, "ci roll", "24 hours");
  await expect(page.getByTestId("rolled-banner")).toContainText("Your API key has been rolled. Make sure to copy your new API key now");
  const rolled = await copyNewKey(page, "ci roll");
  expect(rolled).not.toBe(key.plaintext);
  expect(await page.content()).not.toContain(rolled);
  const row = keyRow(page, "ci roll");
  await expect(row.getByTestId("key-overlap")).toContainText(/works until in (a day|24 hours) \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\); last used never/);

  // one key row, same id: the roll kept it
  expect(await e2eDb().apiKey.count({ where: { userId: user.id } })).toBe(1);
  for (const client of NUGET_CLIENTS) {
    const old = await pushWith(client, key.plaintext, "Roll.Old");
    expectPushed(old.result);
    expect(await findVersion(old.id, "1.0.0")).toMatchObject({ pushedByKeyId: key.id });
    expectPushed((await pushWith(client, rolled, "Roll.New")).result);
  }
  // both secrets' last use, side by side
  await page.reload();
  await expect(row.getByTestId("key-overlap")).toContainText(/last used (a few seconds|a minute) ago/);
  await expect(row.getByTestId("key-details")).toContainText(/Last used:\s*(a few seconds|a minute) ago/);

  await row.getByRole("button", { name: "End overlap now" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("End the overlap now? The previous secret stops working at once.");
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(row.getByTestId("key-overlap")).toHaveCount(0);
  await expect(row.getByRole("button", { name: "End overlap now" })).toHaveCount(0);
  for (const client of NUGET_CLIENTS) {
    const old = await pushWith(client, key.plaintext, "Roll.Ended");
    expectRefused(client, old.result, INVALID);
    expect(await findVersion(old.id, "1.0.0")).toBeNull();
    expectPushed((await pushWith(client, rolled, "Roll.Still")).result);
  }

  // a second roll, 1 hour; a further roll during it is refused with the reason
  await rollOnPage(page, "ci roll", "1 hour");
  const third = await copyNewKey(page, "ci roll");
  await rollOnPage(page, "ci roll", "7 days");
  await expect(page.getByTestId("api-keys-error")).toContainText("This key is already in an overlap");
  // the hour passes (the server's clock cannot be moved: the grace's end is moved instead)
  expectPushed((await pushWith("nuget-5.8", rolled, "Roll.Grace")).result);
  await e2eDb().apiKey.update({ where: { id: key.id }, data: { previousValidUntil: new Date(Date.now() - 1000) } });
  expectRefused("nuget-5.8", (await pushWith("nuget-5.8", rolled, "Roll.After")).result, INVALID);
  expectPushed((await pushWith("nuget-2.8.7", third, "Roll.Third")).result);
  await page.reload();
  await expect(keyRow(page, "ci roll").getByTestId("key-overlap")).toHaveCount(0);

  const audits = await e2eDb().auditRecord.findMany({ where: { target: key.id, action: { in: ["RollCredential", "EndCredentialOverlap"] } }, select: { action: true, details: true } });
  expect(audits.map((a) => a.action).sort()).toEqual(["EndCredentialOverlap", "RollCredential", "RollCredential"]);
  for (const secret of [key.plaintext, rolled, third]) expect(JSON.stringify(audits)).not.toContain(secret.slice(10));
});

test("address limits: garbage refused in the wizard; a key limited to 10.0.0.0/8 is refused for a real client at 127.0.0.1 with the reason; after Edit to 127.0.0.0/8 it pushes", async ({ page }) => {
  needClients();
  const user = await createUser();
  await onPage(page, user);
  await sectionToggle(page, "Create").click();
  const form = createForm(page);
  await page.getByLabel("Key Name").fill("limited");
  await page.getByLabel("Glob Pattern").fill("*");
  const field = form.getByLabel("Allowed addresses");
  await field.fill("10.0.0.0/8\nnot-an-address");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.locator("#create-allowed-cidrs-error")).toHaveText(
    "'not-an-address' is not an IPv4 or IPv6 address or CIDR range. Write one per line, e.g. 203.0.113.0/24, 198.51.100.7 or 2001:db8::/32.",
  );
  await field.fill(Array.from({ length: 21 }, (_, i) => `10.${i}.0.0/16`).join("\n"));
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.locator("#create-allowed-cidrs-error")).toHaveText("At most 20 address ranges are allowed.");
  expect(await e2eDb().apiKey.count({ where: { userId: user.id } })).toBe(0);
  await field.fill("10.9.8.7/8\n::ffff:10.1.0.0/112");
  await form.getByRole("button", { name: "Create" }).click();
  const plaintext = await copyNewKey(page, "limited");
  const row = keyRow(page, "limited");
  await expect(row.getByTestId("key-allowed-cidrs")).toHaveText(/^Allowed addresses:\s*10\.0\.0\.0\/8, 10\.1\.0\.0\/16$/);
  const key = await e2eDb().apiKey.findFirstOrThrow({ where: { userId: user.id }, select: { id: true, allowedCidrs: true } });
  expect(key.allowedCidrs).toBe("10.0.0.0/8\n10.1.0.0/16");

  for (const client of NUGET_CLIENTS) {
    const refused = await pushWith(client, plaintext, "Limit.Out");
    expectRefused(client, refused.result, outside("limited"));
    expect(await findVersion(refused.id, "1.0.0")).toBeNull();
  }
  // the introspection API says the same, and lists nothing to someone outside
  const described = await fetch(`${BASE}/api/v2/key`, { headers: { "X-NuGet-ApiKey": plaintext } });
  expect(described.status).toBe(403);
  expect(described.statusText).toBe(outside("limited"));
  expect(described.headers.get("x-nuget-warning")).toBe(outside("limited"));
  expect(await e2eDb().apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { lastUsedAt: true } })).toEqual({ lastUsedAt: null });

  // a use seen from 127.0.0.1 (as the activity record keeps it) is suggested in Edit
  await e2eDb().keyActivity.create({ data: { apiKeyId: key.id, action: "push", result: "allowed", clientAddress: "::ffff:127.0.0.1" } });
  await page.reload();
  await expect(row.getByTestId("key-address-suggestions")).toContainText("127.0.0.1/32");
  await row.getByRole("button", { name: "Edit" }).click();
  const panel = page.getByRole("form", { name: "Edit limited" });
  const editField = panel.getByLabel("Allowed addresses");
  await expect(editField).toHaveValue("10.0.0.0/8\n10.1.0.0/16");
  await editField.fill("10.0.0.0/33");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel.getByText("'10.0.0.0/33': the prefix length must be a whole number from 0 to 32.")).toBeVisible();
  await editField.fill("10.0.0.0/8");
  await panel.getByRole("button", { name: "Add it" }).click();
  await expect(editField).toHaveValue("10.0.0.0/8\n127.0.0.1/32");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel).toHaveCount(0);
  await expect(row.getByTestId("key-allowed-cidrs")).toHaveText(/^Allowed addresses:\s*10\.0\.0\.0\/8, 127\.0\.0\.1\/32$/);

  for (const client of NUGET_CLIENTS) {
    const pushed = await pushWith(client, plaintext, "Limit.In");
    expectPushed(pushed.result);
    expect(await findVersion(pushed.id, "1.0.0")).toMatchObject({ pushedByKeyId: key.id });
  }
  const allowed = await fetch(`${BASE}/api/v2/key`, { headers: { "X-NuGet-ApiKey": plaintext } });
  expect(await allowed.json()).toMatchObject({ allowedCidrs: ["10.0.0.0/8", "127.0.0.1/32"], overlap: null });

  // emptied: any address
  await row.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("form", { name: "Edit limited" }).getByLabel("Allowed addresses").fill("");
  await page.getByRole("form", { name: "Edit limited" }).getByRole("button", { name: "Save" }).click();
  await expect(row.getByTestId("key-allowed-cidrs")).toHaveCount(0);
  expect(await e2eDb().apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { allowedCidrs: true } })).toEqual({ allowedCidrs: null });
});

test("every new action refuses another account's key id: roll, end overlap, and edit's address limits", async ({ page }) => {
  const db = e2eDb();
  const victim = await createUser();
  const intruder = await createUser();
  const theirs = await makeKey(victim, { name: "victim key", actions: ["package:push"], subjects: ["*"] });
  const mine = await makeKey(intruder, { name: "my key", actions: ["package:push"], subjects: ["*"] });
  const { rollApiKey } = await import("@/lib/api-keys/roll");
  // both in an overlap, so End overlap now shows on the intruder's row
  const victimRoll = await rollApiKey(db, victim.id, theirs.id, 24);
  expect(victimRoll.ok).toBe(true);
  expect((await rollApiKey(db, intruder.id, mine.id, 24)).ok).toBe(true);
  const before = await db.apiKey.findUniqueOrThrow({ where: { id: theirs.id } });
  await onPage(page, intruder);
  const row = keyRow(page, "my key");
  const swap = (body: string) => body.replaceAll(mine.id, theirs.id);

  // End overlap now, aimed at the victim's key
  let status = await tamperNextAction(page, PAGE, swap);
  await row.getByRole("button", { name: "End overlap now" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  expect(await status()).toBe(200);
  await expect(page.getByTestId("api-keys-error")).toHaveText("This key has no overlap running.");

  // Edit with address limits, aimed at the victim's key
  await row.getByRole("button", { name: "Edit" }).click();
  const panel = page.getByRole("form", { name: "Edit my key" });
  // the picker's own action (the owner's package ids) has run: the next action is the Save
  await expect(panel.getByRole("button", { name: "Save" })).toBeEnabled();
  status = await tamperNextAction(page, PAGE, swap);
  await panel.getByLabel("Allowed addresses").fill("10.0.0.0/8");
  await panel.getByRole("button", { name: "Save" }).click();
  expect(await status()).toBe(200);
  await expect(page.getByTestId("api-keys-error")).toHaveText("An error occurred while editing an API key. Please try again.");
  await panel.getByRole("button", { name: "Cancel" }).click();

  // End the intruder's own overlap (so a roll is allowed), then Roll, aimed at the victim's key
  await row.getByRole("button", { name: "End overlap now" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  await expect(row.getByTestId("key-overlap")).toHaveCount(0);
  status = await tamperNextAction(page, PAGE, swap);
  await rollOnPage(page, "my key", "1 hour");
  expect(await status()).toBe(200);
  await expect(page.getByTestId("api-keys-error")).toHaveText("Credential not found.");
  await expect(row.getByRole("button", { name: "Copy" })).toHaveCount(0);

  // the victim's key is exactly as it was: secrets, overlap, limits
  expect(await db.apiKey.findUniqueOrThrow({ where: { id: theirs.id } })).toEqual(before);
  const { authenticate } = await import("./nuget/data");
  expect(await authenticate(db, theirs.plaintext)).toMatchObject({ ok: true, key: { secret: "previous" } });
  expect(await authenticate(db, victimRoll.ok ? victimRoll.plaintext : "")).toMatchObject({ ok: true, key: { secret: "current" } });
  expect(await db.auditRecord.count({ where: { target: theirs.id, actorId: intruder.id } })).toBe(0);
});
