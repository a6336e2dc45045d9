// Reserved ID prefixes (spec organizations.md §11, checklist 27; keys spec 51) in Chromium: a
// site administrator reserves a prefix for an organization on /admin/ReservedNamespaces; a new
// id inside it is then refused with 409 for anyone else's key (raw HTTP: the reason phrase is
// what clients print), the organization's key pushes it verified, and the page is a 404 for
// everyone who is not a site administrator.
import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createUser, e2eDb, signIn, tamperNextAction, expectStatus } from "./fixtures";
import { buildNupkg, multipartNuGet58 } from "./nupkg";
import { joinOrganization, makeKey, makeOrganization } from "./nuget/data";
import { pushPackage } from "./nuget/http";
import { PAGE_ADMIN, reserve, siteAdmin } from "./site-admin";

const BASE = process.env.E2E_BASE_URL!;
const PAGE = "/admin/ReservedNamespaces";
const RESERVED =
  "This package ID has been reserved. Please request access to upload to this reserved namespace from the owner of the reserved prefix, or re-upload the package with a different ID. Go to https://docs.microsoft.com/nuget/reference/id-prefix-reservation learn more about Package ID prefix reservation.";

const push = (apiKey: string, id: string, version: string) => pushPackage(BASE, apiKey, id, version);

test("a site administrator reserves a prefix for an organization on the page: another user's new id in it gets 409, the organization's key pushes it verified", async ({ page }) => {
  const db = e2eDb();
  const [orgAdmin, member, stranger] = [await createUser(), await createUser(), await createUser()];
  const org = await makeOrganization(db, orgAdmin.id);
  await joinOrganization(db, orgAdmin.id, org.username, member, false);
  const prefix = `Rsv${randomBytes(4).toString("hex")}.`;

  const admin = await siteAdmin(PAGE_ADMIN);
  await signIn(page, admin, PAGE);
  await expect(page.getByRole("heading", { name: "Reserved Namespaces" })).toBeVisible();
  // the user menu leads here for a site administrator
  await page.getByRole("button", { name: admin.username }).click();
  await expect(page.getByRole("menuitem", { name: "Admin" })).toHaveAttribute("href", PAGE);
  await page.keyboard.press("Escape");

  const form = page.getByRole("form", { name: "Reserve namespace" });
  // nuget.org's namespace rule, checked on the server
  await form.getByLabel("Namespace", { exact: true }).fill("Bad Value!");
  await form.getByRole("button", { name: "Reserve" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The namespace 'Bad Value!' contains invalid characters." })).toBeVisible();

  await form.getByLabel("Namespace", { exact: true }).fill(prefix);
  await form.getByRole("button", { name: "Reserve" }).click();
  await expectStatus(page, `The prefix '${prefix}' has been reserved.`);
  const row = page.getByRole("row", { name: prefix });
  await expect(row.getByRole("cell").nth(1)).toHaveText("Prefix");
  await expect(row.getByRole("cell").nth(2)).toHaveText("No");
  await row.getByLabel(`New owner of ${prefix}`).fill(org.username.toLowerCase());
  await row.getByRole("button", { name: "Add owner" }).click();
  await expectStatus(page, `The user '${org.username}' is now an owner of the prefix '${prefix}'.`);
  await expect(row).toContainText(`${org.username} (organization)`);

  // another account's key: 409 with nuget.org's text in the reason phrase and the body
  const strangerKey = await makeKey(stranger, { actions: ["package:push"], subjects: ["*"] });
  const id = `${prefix}Core`;
  const refused = await push(strangerKey.plaintext, id, "1.0.0");
  expect([refused.status, refused.reason]).toEqual([409, RESERVED]);
  expect(refused.body.toString()).toContain(RESERVED);
  expect(await db.packageRegistration.count({ where: { idKey: id.toLowerCase() } })).toBe(0);
  // the member's personal key does not act for the organization
  const personal = await makeKey(member, { actions: ["package:push"], subjects: ["*"] });
  expect((await push(personal.plaintext, `${prefix}Personal`, "1.0.0")).status).toBe(409);

  // the organization's key (a collaborator's): 201, owned by the organization, verified
  const orgKey = await makeKey(member, { actions: ["package:push"], subjects: ["*"], ownerId: org.id });
  const created = await push(orgKey.plaintext, id, "1.0.0");
  expect([created.status, created.reason]).toEqual([201, "Created"]);
  const reg = await db.packageRegistration.findFirstOrThrow({ where: { idKey: id.toLowerCase() }, select: { verified: true, owners: { select: { userId: true } } } });
  expect(reg).toEqual({ verified: true, owners: [{ userId: org.id }] });

  // removing the owner on the page, then deleting the reservation, opens the prefix again
  await row.getByRole("button", { name: `Remove owner ${org.username} from ${prefix}` }).click();
  await expectStatus(page, `The user '${org.username}' was removed from owners list of prefix '${prefix}'.`);
  await expect(row).toContainText("No owners");
  // no owner of the id holds a reservation covering it any more: the tick goes (nuget.org's RemoveOwner)
  expect((await db.packageRegistration.findFirstOrThrow({ where: { idKey: id.toLowerCase() }, select: { verified: true } })).verified).toBe(false);
  const ownerless = await push(strangerKey.plaintext, `${prefix}Other`, "1.0.0");
  expect([ownerless.status, ownerless.reason]).toEqual([409, "The package ID is reserved. You can upload your package with a different package ID. Reach out to support@nuget.org if you have questions."]);
  await row.getByRole("button", { name: `Delete ${prefix}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Are you sure you want to delete the namespace '${prefix}'?`);
  await dialog.getByRole("button", { name: "OK" }).click();
  await expectStatus(page, `The prefix '${prefix}' has been deleted.`);
  await expect(page.getByRole("row", { name: prefix })).toHaveCount(0);
  expect((await push(strangerKey.plaintext, `${prefix}Other`, "1.0.0")).status).toBe(201);
});

test("an id pushed before its prefix was reserved keeps taking new versions from its owner; a new id beside it is refused", async () => {
  const [pusher, orgAdmin] = [await createUser(), await createUser()];
  const org = await makeOrganization(e2eDb(), orgAdmin.id);
  const key = await makeKey(pusher, { actions: ["package:push"], subjects: ["*"] });
  const prefix = `Late${randomBytes(4).toString("hex")}.`;
  expect((await push(key.plaintext, `${prefix}Old`, "1.0.0")).status).toBe(201);
  await reserve(prefix, [org.username]);
  const again = await push(key.plaintext, `${prefix}Old`, "1.1.0");
  expect([again.status, again.reason]).toEqual([201, "Created"]);
  expect((await e2eDb().packageRegistration.findFirstOrThrow({ where: { idKey: `${prefix}old`.toLowerCase() }, select: { verified: true } })).verified).toBe(false);
  const fresh = await push(key.plaintext, `${prefix}New`, "1.0.0");
  expect([fresh.status, fresh.reason]).toEqual([409, RESERVED]);
});

test("for anyone but a site administrator the page is a 404 and the menu has no Admin item; signed out, it asks to sign in", async ({ page }) => {
  const user = await createUser();
  await signIn(page, user, "/account");
  const res = await page.goto(PAGE);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("button", { name: user.username }).click();
  await expect(page.getByRole("menuitem", { name: "Manage Organizations" })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "Admin" })).toHaveCount(0);

  const anonymous = await (await page.context().browser()!.newContext()).newPage();
  await anonymous.goto(PAGE);
  await expect(anonymous).toHaveURL(/\/users\/account\/LogOn\?returnUrl=%2Fadmin%2FReservedNamespaces$/);
});

test("crafted posts: an administrator's over-long or odd value is refused with nuget.org's text; the same action replayed with another user's session is refused and changes nothing", async ({ page, browser }) => {
  const admin = await siteAdmin(PAGE_ADMIN);
  const [intruder, orgAdmin] = [await createUser(), await createUser()];
  const org = await makeOrganization(e2eDb(), orgAdmin.id);
  const victim = `Vic${randomBytes(4).toString("hex")}.`;
  await reserve(victim, [org.username]);
  await signIn(page, admin, PAGE);
  const form = page.getByRole("form", { name: "Reserve namespace" });
  for (const [crafted, message] of [
    ["x".repeat(1000), "Namespace must not exceed 100 characters."],
    ["<img src=x onerror=alert(1)>", "The namespace '<img src=x onerror=alert(1)>' contains invalid characters."],
  ]) {
    await form.getByLabel("Namespace", { exact: true }).fill("Placeholder.");
    const status = await tamperNextAction(page, PAGE, (b) => b.replace("Placeholder.", crafted));
    await form.getByRole("button", { name: "Reserve" }).click();
    expect(await status()).toBe(200);
    await expect(page.getByRole("alert").filter({ hasText: message })).toBeVisible();
  }
  expect(await e2eDb().reservedNamespace.count({ where: { OR: [{ valueKey: "x".repeat(1000) }, { valueKey: { contains: "<img" } }] } })).toBe(0);

  // the administrator's delete of the victim namespace, caught before it leaves the browser ...
  const caught = new Promise<{ headers: Record<string, string>; body: Buffer }>((resolve) =>
    page.route(`**${PAGE}`, async (route) => {
      const req = route.request();
      if (req.method() !== "POST" || !req.headers()["next-action"]) return route.continue();
      resolve({ headers: req.headers(), body: req.postDataBuffer() ?? Buffer.alloc(0) });
      await route.abort();
    }),
  );
  await page.getByRole("row", { name: victim }).getByRole("button", { name: `Delete ${victim}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
  const { headers, body } = await caught;
  // ... sent by a signed-in user who is no site administrator: refused, nothing deleted
  const other = await (await browser.newContext()).newPage();
  await signIn(other, intruder, "/account");
  const keep = ["next-action", "content-type", "accept", "origin", "next-router-state-tree"];
  const res = await other.request.post(`${BASE}${PAGE}`, { headers: Object.fromEntries(keep.filter((h) => headers[h]).map((h) => [h, headers[h]])), data: body });
  expect(res.status()).toBe(200);
  expect(await res.text()).toContain("User is not authorized");
  expect(await e2eDb().reservedNamespace.findFirst({ where: { valueKey: victim.toLowerCase() }, select: { owners: { select: { userId: true } } } })).toEqual({ owners: [{ userId: org.id }] });
  // the control: the very same request with the administrator's session does delete it
  const control = await page.request.post(`${BASE}${PAGE}`, { headers: Object.fromEntries(keep.filter((h) => headers[h]).map((h) => [h, headers[h]])), data: body });
  expect(await control.text()).toContain(`The prefix '${victim}' has been deleted.`);
  expect(await e2eDb().reservedNamespace.count({ where: { valueKey: victim.toLowerCase() } })).toBe(0);
});
