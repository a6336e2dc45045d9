// Accounts in a real browser: register → confirmation mail → confirm → sign out → sign in with
// returnUrl; wrong password; throttling; open-redirect refusal; hostile posts; error pages.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { createUser, e2eDb, signIn, signOut } from "./fixtures";

const mailDir = process.env.MAIL_DIR!;

/** The newest mail to `to` in MAIL_DIR (the server writes .eml files there), waited for. */
async function mailTo(to: string, after = 0): Promise<string> {
  let found: string | undefined;
  await expect
    .poll(() => {
      let files: string[] = [];
      try {
        files = readdirSync(mailDir).filter((f) => f.endsWith(".eml")).sort();
      } catch {
        return false;
      }
      const mine = files.map((f) => readFileSync(path.join(mailDir, f), "utf8")).filter((m) => m.includes(`To: ${to}`));
      found = mine.length > after ? mine[mine.length - 1] : undefined;
      return !!found;
    })
    .toBe(true);
  return found!;
}

function confirmationLink(eml: string): string {
  // quoted-printable may wrap long lines with "=\n"
  const text = eml.replace(/=\r?\n/g, "");
  const link = text.match(/https?:\/\/\S+\/account\/confirm\/\S+/)?.[0];
  expect(link, "confirmation link in the mail").toBeTruthy();
  return link!;
}

/** Submits the sign-in form and waits until its action has answered (React then resets the form). */
async function submitSignIn(page: Page, login: string, password: string) {
  await page.getByLabel("Username or email").fill(login);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/users/account/LogOn")),
    page.getByRole("button", { name: "Sign in", exact: true }).click(),
  ]);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
}

test("register, confirm by the mailed link while signed out, then sign in again with returnUrl", async ({ page }) => {
  const username = `Reg_${randomBytes(4).toString("hex")}`;
  const email = `${username.toLowerCase()}@example.test`;
  const password = `pw-${randomBytes(6).toString("hex")}`;

  await page.goto("/users/account/LogOn");
  await page.getByRole("link", { name: "Register now" }).click();
  await expect(page).toHaveURL(/\/users\/account\/Register$/);
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Register" }).click();

  // signed in at once, on Account Settings, unconfirmed
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Account Settings" })).toBeVisible();
  await expect(page.getByText(email, { exact: true })).toBeVisible();
  await expect(page.getByText("Unconfirmed", { exact: true })).toBeVisible();
  const row = await e2eDb().user.findUniqueOrThrow({ where: { usernameKey: username.toLowerCase() } });
  expect(row.email).toBe(email);
  expect(row.emailConfirmedAt).toBeNull();
  expect(row.passwordHash).not.toContain(password);

  const eml = await mailTo(email);
  expect(eml).toContain("Subject: [NuGet Gallery] Please verify your account");
  const link = confirmationLink(eml);

  await signOut(page, username);
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Account confirmed" })).toBeVisible();
  expect((await e2eDb().user.findUniqueOrThrow({ where: { id: row.id } })).emailConfirmedAt).not.toBeNull();

  // the link works once: a second visit changes nothing and says so calmly
  await page.goto(link);
  await expect(page.getByText("Your email address is already confirmed.")).toBeVisible();

  await signIn(page, { id: row.id, username, email, password }, "/account?tab=email");
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  // the session cookie is out of scripts' reach (served over http here, so not Secure)
  const session = (await page.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});

test("a registration with a taken name says so under the field and keeps what was typed", async ({ page }) => {
  const existing = await createUser();
  await page.goto("/users/account/Register");
  const email = `new-${randomBytes(4).toString("hex")}@example.test`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Username").fill(existing.username.toUpperCase());
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page.locator("#password-error")).toHaveText("Passwords must be at least 8 characters long.");
  await expect(page.getByLabel("Username")).toHaveValue(existing.username.toUpperCase());
  await page.getByLabel("Password").fill("long-enough-1");
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page.locator("#username-error")).toHaveText(`The username '${existing.username.toUpperCase()}' is not available. Please choose another username.`);
  await expect(page.getByLabel("Username")).toHaveAttribute("aria-describedby", /username-error/);
  await expect(page.getByLabel("Email")).toHaveValue(email);
});

test("a wrong password gets the one message, and the page never contains the password", async ({ page }) => {
  const user = await createUser();
  const typed = `wrong-${randomBytes(6).toString("hex")}`;
  await page.goto("/users/account/LogOn");
  await submitSignIn(page, user.username, typed);
  await expect(page.getByRole("alert").filter({ hasText: "The username or password provided is incorrect." })).toBeVisible();
  await expect(page.getByLabel("Username or email")).toHaveValue(user.username);
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("");
  expect(await page.content()).not.toContain(typed);
  // an unknown name answers exactly the same
  await submitSignIn(page, `nobody-${user.username}`, user.password);
  await expect(page.getByRole("alert").filter({ hasText: "The username or password provided is incorrect." })).toBeVisible();
  expect(await page.content()).not.toContain(user.password);
});

test("after 10 failed sign-ins even the right password is refused, with how long to wait", async ({ page }) => {
  const user = await createUser();
  await page.goto("/users/account/LogOn");
  for (let i = 0; i < 10; i++) {
    await submitSignIn(page, user.username, `wrong-${i}`);
    await expect(page.getByRole("alert").filter({ hasText: "The username or password provided is incorrect." })).toBeVisible();
  }
  await submitSignIn(page, user.username, user.password);
  await expect(page.getByRole("alert").filter({ hasText: "Too many failed sign-in attempts. Please try again in 15 minutes." })).toBeVisible();
  await expect(page).toHaveURL(/\/users\/account\/LogOn/);
  expect(await e2eDb().loginFailure.count({ where: { bucket: `user:${user.username}` } })).toBe(10);
});

for (const evil of ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"]) {
  test(`returnUrl=${evil} never leaves the site`, async ({ page }) => {
    const user = await createUser();
    await page.goto(`/users/account/LogOn?returnUrl=${encodeURIComponent(evil)}`);
    await page.getByLabel("Username or email").fill(user.username);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("button", { name: user.username })).toBeVisible();
    expect(new URL(page.url()).host).toBe(new URL(test.info().project.use.baseURL!).host);
  });
}

test("anonymous /account goes to sign-in and comes back there", async ({ page }) => {
  const user = await createUser();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/users\/account\/LogOn\?returnUrl=%2Faccount$/);
  await page.getByLabel("Username or email").fill(user.email);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Account Settings" })).toBeVisible();
});

test("an unconfirmed user can resend the confirmation mail, and a bad link gets a clear page", async ({ page }) => {
  const user = await createUser({ confirmed: false });
  await signIn(page, user, "/account");
  await expect(page.getByText("Unconfirmed", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Resend confirmation email" }).click();
  await expect(page.getByRole("status").filter({ hasText: `A confirmation mail has been sent to ${user.email}.` })).toBeVisible();
  const link = confirmationLink(await mailTo(user.email));
  // the first resend within a minute is enough
  await page.getByRole("button", { name: "Resend confirmation email" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "less than a minute ago" })).toBeVisible();

  const bad = await page.goto(`/account/confirm/${user.username}/not-a-real-token-0000000000`);
  expect(bad?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Confirmation link not valid" })).toBeVisible();
  await page.goto(link.replace(`/confirm/${user.username}/`, "/confirm/someone-else/"));
  await expect(page.getByRole("heading", { name: "Confirmation link not valid" })).toBeVisible();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Account confirmed" })).toBeVisible();
});

test("the password can be changed with the current one, and only then; it ends every session", async ({ page, browser }) => {
  const user = await createUser();
  // another browser, signed in before the change
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, user, "/account");
  await signIn(page, user, "/account");
  await page.getByLabel("Current password").fill("not-the-password");
  await page.getByLabel("New password", { exact: true }).fill("brand-new-password");
  await page.getByLabel("Confirm new password").fill("brand-new-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#currentPassword-error")).toHaveText("The current password is incorrect.");
  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password", { exact: true }).fill("brand-new-password");
  await page.getByLabel("Confirm new password").fill("brand-new-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/users\/account\/LogOn\?passwordChanged=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Your password has been changed" })).toBeVisible();
  await signIn(page, { ...user, password: "brand-new-password" }, "/account");
  await expect(page.getByRole("heading", { name: "Account Settings" })).toBeVisible();
  // the other browser's session ended with the old password
  await otherPage.goto("/account/apikeys");
  await expect(otherPage).toHaveURL(/\/users\/account\/LogOn\?returnUrl=/);
  await other.close();
});

test("hostile posts straight to the sign-in and register actions get an answer, never a 500", async ({ page }) => {
  for (const url of ["/users/account/LogOn", "/users/account/Register"]) {
    await page.goto(url);
    const statuses = await page.evaluate(async () => {
      const form = document.querySelector("form:has(input[name=password])") as HTMLFormElement;
      const results: { status: number; body: string; isAction: boolean }[] = [];
      const variants: ((fd: FormData) => void)[] = [
        (fd) => {
          fd.set("login", new Blob(["a file"]), "x.bin");
          fd.set("username", new Blob(["a file"]), "x.bin");
          fd.set("password", "p".repeat(200_000));
        },
        (fd) => {
          fd.delete("login");
          fd.delete("username");
          fd.delete("email");
          fd.delete("password");
          fd.append("returnUrl", "//evil.example");
          fd.append("returnUrl", "javascript:alert(1)");
        },
        (fd) => {
          // over next.config's 1 MB bodySizeLimit for actions
          fd.set("password", "p".repeat(1_200_000));
        },
        (fd) => {
          fd.set("email", "x".repeat(5000) + "@example.test");
          fd.set("login", "\u0000\uffff".repeat(1000));
        },
      ];
      for (const mutate of variants) {
        const fd = new FormData(form);
        mutate(fd);
        // the progressive-enhancement fields ($ACTION_…) make this post run the server action
        const isAction = [...fd.keys()].some((k) => k.startsWith("$ACTION"));
        const res = await fetch(location.href, { method: "POST", body: fd });
        results.push({ status: res.status, body: await res.text(), isAction });
      }
      return results;
    });
    for (const r of statuses) {
      expect(r.isAction).toBe(true);
      expect(r.status, url).toBeLessThan(500);
      expect(r.body).not.toMatch(/at [\w.]+ \(|node_modules|Prisma/);
    }
    // the emptied form came back with the field messages: the action ran and answered
    expect(statuses[1].body).toMatch(/is required|Enter your/);
  }
});

test("unknown pages get nuget's 404 page, without any internals", async ({ page }) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
