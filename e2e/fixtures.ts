// Shared e2e helpers: each test makes its own user (random name), straight in the e2e
// database through the same code paths the app uses, so tests run in parallel.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Browser, type Page, type Route } from "@playwright/test";
import { createDb, type Db } from "@/lib/create-db";
import { hashPassword } from "@/lib/accounts/passwords";

let db: Db | undefined;
/** The e2e database (the same file the server under test uses). */
export function e2eDb(): Db {
  const url = process.env.DATABASE_URL!;
  if (!url.startsWith("file:") && !/@(127\.0\.0\.1|localhost)[:/]/.test(url)) throw new Error(`refusing non-local e2e database ${url}`);
  return (db ??= createDb(url));
}

export interface TestUser {
  id: string;
  username: string;
  email: string;
  password: string;
}

/** `db`: another database than the e2e one (a test's own server, e2e/instances.ts). */
export async function createUser(opts: { confirmed?: boolean; username?: string; db?: Db } = {}): Promise<TestUser> {
  const username = opts.username ?? `user_${randomBytes(5).toString("hex")}`;
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const email = `${username.toLowerCase()}@example.test`;
  const user = await (opts.db ?? e2eDb()).user.create({
    data: {
      username,
      usernameKey: username.toLowerCase(),
      email,
      passwordHash: await hashPassword(password),
      emailConfirmedAt: opts.confirmed === false ? null : new Date(),
    },
  });
  return { id: user.id, username, email, password };
}

/** Signs in through the real sign-in page (labels "Username or email", "Password", button "Sign in"). */
export async function signIn(page: Page, user: TestUser, returnUrl = "/account") {
  await page.goto(`/users/account/LogOn?returnUrl=${encodeURIComponent(returnUrl)}`);
  await page.getByLabel("Username or email").fill(user.username);
  await page.getByLabel("Password", { exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${returnUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
}

/** A second signed-in browser (its own cookies), for stories with two users. */
export async function signedInPage(browser: Browser, user: TestUser, returnUrl: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, user, returnUrl);
  return page;
}

/** A message the page shows in a role=alert element (there may be other alerts, such as Next's route announcer). */
export async function expectAlert(page: Page, text: string) {
  await expect(page.getByRole("alert").filter({ hasText: text })).toBeVisible();
}

/** A message the page shows in a role=status element (the green banners). */
export async function expectStatus(page: Page, text: string) {
  await expect(page.getByRole("status").filter({ hasText: text })).toBeVisible();
}

/** Signs out through the user menu's "Sign Out", and waits for the signed-out header. */
export async function signOut(page: Page, username: string) {
  await page.getByRole("button", { name: username }).click();
  await page.getByRole("menuitem", { name: "Sign Out" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
}

/**
 * Rewrites the next server-action POST to `path` before it leaves the browser: what a
 * hand-made request can send. Returns the status of the action's response.
 */
export async function tamperNextAction(page: Page, path: string, rewrite: (body: string) => string): Promise<() => Promise<number>> {
  let resolveStatus: (n: number) => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  let done = false;
  const handler = async (route: Route) => {
    const req = route.request();
    if (done || req.method() !== "POST" || !req.headers()["next-action"]) return route.continue();
    done = true;
    const response = await route.fetch({ postData: rewrite(req.postData() ?? "") });
    await route.fulfill({ response });
    resolveStatus(response.status());
  };
  await page.route(`**${path}`, handler);
  return async () => {
    const s = await status;
    await page.unroute(`**${path}`, handler);
    return s;
  };
}

/** The mails the server under test wrote to MAIL_DIR for `email`, decoded (headers unfolded, quoted-printable undone). */
export function mailsTo(email: string): string[] {
  const dir = process.env.MAIL_DIR!;
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .map((f) => readFileSync(path.join(dir, f), "utf8"))
    .map((m) =>
      m
        .replace(/\r?\n[ \t]+/g, " ") // unfold headers
        .replace(/=\r?\n/g, "") // quoted-printable soft breaks
        .replace(/=([0-9A-F]{2})/g, (_s, h: string) => String.fromCharCode(parseInt(h, 16))),
    )
    .filter((m) => m.includes(`To: ${email}`));
}
