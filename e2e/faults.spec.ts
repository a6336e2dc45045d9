// Faults, against the production server on each test's own database (e2e/instances.ts): the
// database's connections cut mid-load, two instances on one database and package folder, and
// a kill -9 in the middle of a 50 MB push. What must hold through each: every request gets its
// normal answer or a clean 503 with Retry-After and none hangs, and the package folder holds
// exactly the files the version rows name.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { insertTestKey } from "@/tests/api-keys";
import { createUser, signIn, type TestUser } from "./fixtures";
import { packageFiles, PG_ADMIN_URL, postgresSite, sqliteSite, startInstance, type Instance, type Site } from "./instances";
import { buildNupkg, multipartNuGet287, multipartNuGet58 } from "./nupkg";

// Each test starts servers of its own: one test at a time, so they never compete for the 2 cores.
test.describe.configure({ mode: "default" });

const uid = () => randomBytes(4).toString("hex");
/** No request in these tests may take longer: one that does counts as hung. */
const REQUEST_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  retryAfter: string | null;
  location?: string | null;
}

/** A push as NuGet 5.8 sends it, bounded in time; a hang rejects. */
async function push(base: string, apiKey: string, bytes: Uint8Array): Promise<Answer> {
  const form = multipartNuGet58(bytes);
  const r = await fetch(`${base}/api/v2/package/`, {
    method: "PUT",
    headers: { "Content-Type": form.contentType, "X-NuGet-ApiKey": apiKey },
    body: new Uint8Array(form.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await r.arrayBuffer();
  return { status: r.status, retryAfter: r.headers.get("retry-after") };
}

/** A page load with a session cookie, bounded in time; a hang rejects. */
async function load(url: string, cookie: string): Promise<Answer> {
  const r = await fetch(url, { headers: { Cookie: cookie }, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await r.arrayBuffer();
  return { status: r.status, retryAfter: r.headers.get("retry-after"), location: r.headers.get("location") };
}

/** The browser's cookies as a Cookie header (the session cookie among them). */
async function cookieHeader(page: Page): Promise<string> {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}

/** A confirmed user on the site's database with a push key on every package. */
async function userWithKey(site: Site) {
  const user = await createUser({ db: site.db });
  const key = await insertTestKey(site.db, { userId: user.id, actions: ["package:push"], subjects: ["*"] });
  return { user, key };
}

/** The package folder holds exactly the files the version rows name, and no push is left marked in flight. */
async function expectFilesMatchRows(site: Site) {
  const rows = await site.db.packageVersion.findMany({ select: { id: true, versionKey: true, registration: { select: { idKey: true } } } });
  const named = rows.map((r) => `${r.registration.idKey}/${r.registration.idKey}.${r.versionKey}.${r.id}.nupkg`).sort();
  expect(packageFiles(site.packagesDir)).toEqual(named);
  expect(markers(site)).toEqual([]);
}

/** The in-flight markers (lib/packages/files.ts) in the site's package folder. */
function markers(site: Site): string[] {
  const dir = path.join(site.packagesDir, ".pushing");
  return existsSync(dir) ? readdirSync(dir) : [];
}

async function signedInPage(browser: Browser, instance: Instance, user: TestUser) {
  const context = await browser.newContext({ baseURL: instance.baseUrl });
  const page = await context.newPage();
  await signIn(page, user, "/account/apikeys");
  return page;
}

test("database connections cut again and again mid-load: each request is answered (or a clean 503), the app recovers, every 201 has its row and file", async ({ browser }) => {
  test.setTimeout(180_000);
  const site = await postgresSite();
  const instance = await startInstance(site);
  try {
    const { user, key } = await userWithKey(site);
    const page = await signedInPage(browser, instance, user);
    const cookie = await cookieHeader(page);

    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    let cutting = true;
    let ended = 0;
    const cutter = (async () => {
      for (const until = Date.now() + 8_000; Date.now() < until; await sleep(400)) {
        const { rows } = await admin.query<{ n: string }>(
          "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [site.name],
        );
        ended += Number(rows[0].n);
      }
      cutting = false;
    })();

    const answers: { what: string; answer: Answer | string }[] = [];
    const created: string[] = [];
    const worker = async (n: number) => {
      for (let i = 0; cutting; i++) {
        const id = `Cut.W${n}.${i}.${uid()}`;
        const requests: [string, () => Promise<Answer>][] = [
          [`push ${id}`, () => push(instance.baseUrl, key.plaintext, buildNupkg({ id, version: "1.0.0", contentBytes: 64 * 1024 }))],
          ["GET /account/Packages", () => load(`${instance.baseUrl}/account/Packages`, cookie)],
          ["GET /account/apikeys", () => load(`${instance.baseUrl}/account/apikeys`, cookie)],
        ];
        for (const [what, request] of requests) {
          const answer = await request().catch((e: Error) => `no answer: ${e.message}`);
          answers.push({ what, answer });
          if (typeof answer !== "string" && answer.status === 201) created.push(id);
        }
      }
    };
    await Promise.all([cutter, worker(1), worker(2), worker(3)]);
    await admin.end();

    expect(ended, "backends ended").toBeGreaterThan(5);
    const unclean = answers.filter(({ what, answer }) => {
      if (typeof answer === "string") return true;
      if (answer.status === 503) return answer.retryAfter === null;
      return answer.status !== (what.startsWith("push") ? 201 : 200);
    });
    expect(unclean).toEqual([]);
    expect(created.length, "pushes that got through").toBeGreaterThan(0);

    // recovered without a restart
    const after = `Cut.After.${uid()}`;
    expect((await push(instance.baseUrl, key.plaintext, buildNupkg({ id: after, version: "1.0.0" }))).status).toBe(201);
    expect((await load(`${instance.baseUrl}/account/Packages`, cookie)).status).toBe(200);
    await page.goto("/account/Packages");
    await expect(page.getByText(after).first()).toBeVisible();

    for (const id of [...created, after]) {
      expect(await site.db.packageVersion.count({ where: { registration: { idKey: id.toLowerCase() } } }), id).toBe(1);
    }
    await expectFilesMatchRows(site);
  } finally {
    await instance.stop();
    await site.cleanUp();
  }
});

test.describe("two instances on one PostgreSQL database and one package folder", () => {
  let site: Site;
  let a: Instance;
  let b: Instance;
  test.beforeEach(async () => {
    test.setTimeout(180_000);
    site = await postgresSite();
    [a, b] = await Promise.all([startInstance(site, { LOGIN_MAX_FAILURES: "4" }), startInstance(site, { LOGIN_MAX_FAILURES: "4" })]);
  });
  test.afterEach(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await site?.cleanUp();
  });

  test("a key revoked through one is refused by the other; a session made on one works on the other; one version pushed through both at once: one 201, one 409", async ({ browser }) => {
    const { user, key } = await userWithKey(site);
    expect((await push(b.baseUrl, key.plaintext, buildNupkg({ id: `Both.Before.${uid()}`, version: "1.0.0" }))).status).toBe(201);

    // signed in on A, the API keys page there revokes the key
    const page = await signedInPage(browser, a, user);
    const row = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: key.name, exact: true }) });
    await row.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "OK" }).click();
    await expect(row).toContainText("Revoked");
    // B refuses it on the very next request
    expect((await push(b.baseUrl, key.plaintext, buildNupkg({ id: `Both.After.${uid()}`, version: "1.0.0" }))).status).toBe(403);

    // A's session cookie, sent to B: signed in there too
    const cookie = await cookieHeader(page);
    const onB = await load(`${b.baseUrl}/account/apikeys`, cookie);
    expect(onB.status).toBe(200);
    await page.goto(`${b.baseUrl}/account/apikeys`);
    await expect(page).toHaveURL(`${b.baseUrl}/account/apikeys`);
    await expect(page.getByRole("button", { name: user.username })).toBeVisible();

    // the same new version through both at once
    const live = await insertTestKey(site.db, { userId: user.id, actions: ["package:push"], subjects: ["*"] });
    const id = `Both.Race.${uid()}`;
    const answers = await Promise.all([a, b].map((s) => push(s.baseUrl, live.plaintext, buildNupkg({ id, version: "1.0.0" }))));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await site.db.packageVersion.count({ where: { registration: { idKey: id.toLowerCase() } } })).toBe(1);
    await expectFilesMatchRows(site);
  });

  test("signing out on one instance ends the session on both (server-side sessions)", async ({ browser }) => {
    const { user } = await userWithKey(site);
    const page = await signedInPage(browser, a, user);
    const cookie = await cookieHeader(page);
    expect((await load(`${b.baseUrl}/account/apikeys`, cookie)).status).toBe(200);
    await page.goto(`${b.baseUrl}/account/apikeys`);
    await page.getByRole("button", { name: user.username }).click();
    await page.getByRole("menuitem", { name: "Sign Out" }).click();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
    // the cookie as it was before the sign-out, replayed to either instance: no longer a session
    for (const s of [a, b]) {
      const r = await load(`${s.baseUrl}/account/apikeys`, cookie);
      expect(r.status, s.baseUrl).toBe(307);
      expect(r.location, s.baseUrl).toContain("/users/account/LogOn");
    }
  });

  test("failed sign-ins count across both instances (LOGIN_MAX_FAILURES)", async ({ browser }) => {
    const user = await createUser({ db: site.db });
    const context = await browser.newContext();
    const page = await context.newPage();
    const attempt = async (s: Instance, password: string) => {
      await page.goto(`${s.baseUrl}/users/account/LogOn`);
      await page.getByLabel("Username or email").fill(user.username);
      await page.getByLabel("Password", { exact: true }).fill(password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
    };
    // 2 on each: under the limit of 4 on either alone
    for (const s of [a, b, a, b]) {
      await attempt(s, `wrong-${uid()}`);
      await expect(page.getByRole("alert").filter({ hasText: "The username or password provided is incorrect." })).toBeVisible();
    }
    await attempt(b, user.password);
    await expect(page.getByRole("alert").filter({ hasText: "Too many failed sign-in attempts." })).toBeVisible();
    await attempt(a, user.password);
    await expect(page.getByRole("alert").filter({ hasText: "Too many failed sign-in attempts." })).toBeVisible();
    await expect(page).toHaveURL(/\/users\/account\/LogOn/);
  });
});

/** A 50 MB push sent raw (Content-Length, as NuGet 2.8.7 sends it); resolves once `sent` bytes of the body are written. */
function startBigPush(instance: Instance, apiKey: string, body: { contentType: string; body: Buffer }, sent = body.body.length) {
  const { port } = new URL(instance.baseUrl);
  const socket = net.connect(Number(port), "127.0.0.1");
  socket.on("error", () => {}); // the server is killed under it
  const head = `PUT /api/v2/package/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${body.contentType}\r\nX-NuGet-ApiKey: ${apiKey}\r\nContent-Length: ${body.body.length}\r\nConnection: close\r\n\r\n`;
  return new Promise<net.Socket>((resolve) => {
    socket.on("connect", () => {
      socket.write(head);
      socket.write(body.body.subarray(0, sent), () => resolve(socket));
    });
  });
}

const BIG = 50 * 1024 * 1024;

for (const engine of ["postgresql", "sqlite"] as const) {
  test(`[${engine}] kill -9 during a 50 MB push, while the body uploads and while the file is written: after a restart no row without its file, no file without its row`, async () => {
    test.setTimeout(240_000);
    const site = engine === "postgresql" ? await postgresSite() : await sqliteSite();
    const env = { MAX_PACKAGE_BYTES: String(BIG + 1024 * 1024) };
    let instance = await startInstance(site, env);
    try {
      const { key } = await userWithKey(site);
      const id = `Crash.Big.${uid()}`;
      const idKey = id.toLowerCase();
      const body = multipartNuGet287(buildNupkg({ id, version: "1.0.0", contentBytes: BIG }));
      const versions = () => site.db.packageVersion.count({ where: { registration: { idKey } } });

      // 1. killed while the body uploads: 20 MB of it sent
      let socket = await startBigPush(instance, key.plaintext, body, 20 * 1024 * 1024);
      await sleep(300);
      await instance.kill9();
      socket.destroy();
      instance = await startInstance(site, env);
      expect(await versions()).toBe(0);
      await expectFilesMatchRows(site);

      // 2. killed while the package file is written: as soon as it appears
      socket = await startBigPush(instance, key.plaintext, body);
      const folder = path.join(site.packagesDir, idKey);
      let seen: string[] = [];
      for (const until = Date.now() + 60_000; seen.length === 0 && Date.now() < until; await sleep(1)) {
        seen = existsSync(folder) ? readdirSync(folder) : [];
      }
      await instance.kill9();
      socket.destroy();
      expect(seen, "the package file appeared").toHaveLength(1);
      // the crash left a file no row names (and its in-flight marker)
      expect(await versions()).toBe(0);
      expect(packageFiles(site.packagesDir)).toEqual([`${idKey}/${seen[0]}`]);
      expect(markers(site)).toHaveLength(1);

      instance = await startInstance(site, env);
      expect(instance.log()).toContain("removed 1 package file(s) left by interrupted pushes");
      expect(await versions()).toBe(0);
      await expectFilesMatchRows(site);

      // and the version can be pushed now
      expect((await push(instance.baseUrl, key.plaintext, buildNupkg({ id, version: "1.0.0" }))).status).toBe(201);
      await expectFilesMatchRows(site);
    } finally {
      await instance.stop();
      await site.cleanUp();
    }
  });
}
