// Sessions end on the server: a copy of the session cookie kept from before sign-out (or from
// another browser that was signed out) is refused and never re-issued.
import { expect, test, type BrowserContext, type Cookie } from "@playwright/test";
import { createUser, e2eDb, signIn, signOut } from "./fixtures";

const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

async function sessionCookies(context: BrowserContext): Promise<Cookie[]> {
  const cookies = (await context.cookies()).filter((c) => SESSION_COOKIE.test(c.name));
  expect(cookies.length, "a session cookie after sign-in").toBeGreaterThan(0);
  return cookies;
}

const header = (cookies: Cookie[]) => cookies.map((c) => `${c.name}=${c.value}`).join("; ");

/** A request with only that cookie, as a thief replaying it would send; redirects not followed. */
async function replay(path: string, cookie: string) {
  const res = await fetch(new URL(path, test.info().project.use.baseURL), { headers: { cookie }, redirect: "manual" });
  // every session cookie the answer sets: a live value would be the session re-issued
  const issued = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0].split("="))
    .filter(([name]) => SESSION_COOKIE.test(name))
    .map(([name, ...value]) => ({ name, value: value.join("=") }));
  return { res, issued };
}

test("after sign-out, a saved copy of the session cookie is refused and never re-issued", async ({ page, browser }) => {
  const user = await createUser();
  await signIn(page, user, "/account");
  const saved = await sessionCookies(page.context());
  const cookie = header(saved);
  expect(await e2eDb().session.count({ where: { userId: user.id } })).toBe(1);

  // while signed in, the copy works (so the checks below can fail)
  const live = await replay("/api/auth/session", cookie);
  expect((await live.res.json())?.signedIn?.username).toBe(user.username);
  expect(live.issued.some((c) => c.value !== "")).toBe(true);

  await signOut(page, user.username);
  expect(await e2eDb().session.count({ where: { userId: user.id } })).toBe(0);

  // Auth.js's session endpoint: no session, and the cookie is cleared, not refreshed
  const ended = await replay("/api/auth/session", cookie);
  expect(ended.res.status).toBe(200);
  expect(await ended.res.json()).toBeNull();
  expect(ended.issued.length).toBeGreaterThan(0);
  expect(ended.issued.every((c) => c.value === "")).toBe(true);

  // the account page sends it to sign-in and sets no session cookie
  const account = await replay("/account", cookie);
  expect(account.res.status).toBe(307);
  expect(account.res.headers.get("location")).toMatch(/\/users\/account\/LogOn\?returnUrl=%2Faccount$/);
  expect(account.issued.filter((c) => c.value !== "")).toEqual([]);

  // the same copy in a fresh browser: signed out there too
  const thief = await browser.newContext();
  await thief.addCookies(saved);
  const thiefPage = await thief.newPage();
  await thiefPage.goto("/account");
  await expect(thiefPage).toHaveURL(/\/users\/account\/LogOn\?returnUrl=%2Faccount$/);
  await expect(thiefPage.getByRole("button", { name: user.username })).toHaveCount(0);
  await thief.close();
});

test("'Sign out of all other sessions' ends the other browser's session and keeps this one", async ({ page, browser }) => {
  const user = await createUser();
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, user, "/account");
  const otherCookie = header(await sessionCookies(other));
  await signIn(page, user, "/account");

  const sessions = page.getByRole("region", { name: "Sessions" });
  await expect(sessions.getByText("1 other session is signed in to your account")).toBeVisible();
  await sessions.getByRole("button", { name: "Sign out of all other sessions" }).click();
  await expect(sessions.getByRole("status")).toHaveText("You have been signed out of 1 other session.");
  await expect(sessions.getByText("You are not signed in anywhere else.")).toBeVisible();
  await expect(sessions.getByRole("button", { name: "Sign out of all other sessions" })).toHaveCount(0);

  // the database: one session left, and the audit log says who did it
  expect(await e2eDb().session.count({ where: { userId: user.id } })).toBe(1);
  const audit = await e2eDb().auditRecord.findFirstOrThrow({ where: { actorId: user.id, action: "SignOutOtherSessions" } });
  expect(JSON.parse(audit.details!)).toEqual({ sessions: 1 });

  // the other browser is signed out; its cookie is not re-issued
  await otherPage.goto("/account");
  await expect(otherPage).toHaveURL(/\/users\/account\/LogOn\?returnUrl=%2Faccount$/);
  const replayed = await replay("/api/auth/session", otherCookie);
  expect(await replayed.res.json()).toBeNull();
  expect(replayed.issued.every((c) => c.value === "")).toBe(true);
  await other.close();

  // this browser is still signed in
  await page.reload();
  await expect(page.getByRole("heading", { name: "Account Settings" })).toBeVisible();
  await expect(page.getByRole("button", { name: user.username })).toBeVisible();
});
