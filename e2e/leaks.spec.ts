// Leaked keys against the production build: this file plays GitHub and deps.dev (its own P-256
// key pair, its key list on E2E_LEAKS_PORT, which the server's SECRET_SCANNING_*_KEYS_URL point
// at), posts signed alerts and leak reports over HTTP, pushes packages carrying keys with the
// real NuGet clients, and reads the API Keys page.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createUser, e2eDb, mailsTo, signIn } from "./fixtures";
import { checkClients, NUGET_CLIENTS, pack, push, type NugetClient, type RunResult } from "./nuget/clients";
import { findVersion, makeKey, packageFolder, revokeKey } from "./nuget/data";

const BASE = process.env.E2E_BASE_URL!;
const V2 = `${BASE}/api/v2/package`;

// one worker for the whole file: it alone listens on the key-list port
test.describe.configure({ mode: "serial", timeout: 180_000, retries: 1 });

/**
 * The key pair is kept for the server's lifetime (.data/e2e is made afresh with it): a retry in
 * a new worker signs with the key the server has cached, not a new one its refetch limit refuses.
 */
function signingKey() {
  const file = ".data/e2e/leaks-signing-key.json";
  if (!existsSync(file)) {
    const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const saved = { id: `e2e-${randomBytes(4).toString("hex")}`, privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    // a private key: its owner's alone, like everything under .data (e2e/edge.spec.ts checks)
    writeFileSync(file, JSON.stringify(saved), { flag: "wx", mode: 0o600 });
  }
  const saved = JSON.parse(readFileSync(file, "utf8")) as { id: string; privatePem: string };
  const privateKey = createPrivateKey(saved.privatePem);
  return { id: saved.id, privateKey, publicKey: createPublicKey(privateKey) };
}
const signing = signingKey();
const keyId = signing.id;
let listRequests = 0;
const keyList = http.createServer((req, res) => {
  listRequests++;
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ public_keys: [{ key_identifier: keyId, key: signing.publicKey.export({ type: "spki", format: "pem" }).toString(), is_current: true }] }));
});

test.beforeAll(async () => {
  await new Promise<void>((resolve) => keyList.listen(Number(process.env.E2E_LEAKS_PORT), "127.0.0.1", resolve));
});
test.afterAll(() => new Promise<void>((resolve) => keyList.close(() => resolve())));

function alert(path: "github" | "depsdev", body: string, headers: [string, string] = ["Github-Public-Key-Identifier", "Github-Public-Key-Signature"], extra: Record<string, string> = {}) {
  return fetch(`${BASE}/api/v2/secret-scanning/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", [headers[0]]: keyId, [headers[1]]: sign("sha256", Buffer.from(body), signing.privateKey).toString("base64"), ...extra },
    body,
  });
}

const keyRow = (id: string) => e2eDb().apiKey.findUniqueOrThrow({ where: { id }, select: { revokedAt: true, revocationSource: true, revocationUrl: true, lastUsedAt: true } });
const newId = (prefix: string) => `${prefix}.T${randomBytes(4).toString("hex")}`;

test("20–22: GitHub's signed alert over HTTP revokes the live key and answers the feedback; a bad signature revokes nothing; the page shows the leak", async ({ page }) => {
  const user = await createUser();
  const key = await makeKey(user, { name: "leaky ci key", actions: ["package:push"], subjects: ["*"] });
  const url = "https://github.com/octo/leaky/blob/0123abc/nuget.config";
  const body = JSON.stringify([{ token: key.plaintext, type: "nuget_api_key", url, source: "commit" }]);

  // one byte changed after signing, then no headers at all: refused, the key still live
  const tampered = await fetch(`${BASE}/api/v2/secret-scanning/github`, {
    method: "POST",
    headers: { "Github-Public-Key-Identifier": keyId, "Github-Public-Key-Signature": sign("sha256", Buffer.from(body), signing.privateKey).toString("base64") },
    body: body.replace("leaky", "leakz"),
  });
  expect(tampered.status).toBe(401);
  expect((await fetch(`${BASE}/api/v2/secret-scanning/github`, { method: "POST", body })).status).toBe(400);
  expect((await keyRow(key.id)).revokedAt).toBeNull();

  const answer = await alert("github", body);
  expect(answer.status).toBe(200);
  const feedback = (await answer.json()) as { token_hash: string; token_type: string; label: string }[];
  expect(feedback).toEqual([{ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/), token_type: "nuget_api_key", label: "true_positive" }]);
  expect(await keyRow(key.id)).toMatchObject({ revocationSource: "GitHub", revocationUrl: url, lastUsedAt: null });
  await expect.poll(() => mailsTo(user.email).filter((m) => m.includes("revoked due to a potential leak")).length).toBe(1);
  expect(mailsTo(user.email).find((m) => m.includes("revoked due to a potential leak"))).toContain(`Your key was found here: <${url}>`);

  // the page: the row says so, nuget.org's banner keeps its words
  await signIn(page, user, "/account/apikeys");
  const row = page.getByRole("listitem").filter({ hasText: "leaky ci key" });
  await expect(row.getByTestId("key-status")).toHaveText("Revoked");
  const leak = row.getByTestId("key-leak");
  await expect(leak).toContainText(/Revoked due to a potential leak:\s*reported by GitHub on \w{3} \d{1,2}, \d{4}; found at/);
  await expect(leak.getByRole("link", { name: url })).toHaveAttribute("href", url);
  await expect(page.getByText("Your API key 'leaky ci key' has been revoked. Please check the email from")).toBeVisible();
});

test("20: a signed-in session gives no way past the signature (access)", async ({ page }) => {
  const user = await createUser();
  const key = await makeKey(user, { actions: ["package:push"], subjects: ["*"] });
  await signIn(page, user, "/account");
  const r = await page.request.post(`${BASE}/api/v2/secret-scanning/github`, { data: [{ token: key.plaintext, type: "nuget_api_key", url: "" }] });
  expect(r.status()).toBe(400);
  expect((await keyRow(key.id)).revokedAt).toBeNull();
});

test("23: unknown key ids do not hammer the key list", async () => {
  const body = "[]";
  expect((await alert("github", body)).status).toBe(200); // the list is fetched (or cached)
  const before = listRequests;
  for (let i = 0; i < 10; i++) {
    const r = await fetch(`${BASE}/api/v2/secret-scanning/github`, {
      method: "POST",
      headers: { "Github-Public-Key-Identifier": `unknown-${i}`, "Github-Public-Key-Signature": sign("sha256", Buffer.from(body), signing.privateKey).toString("base64") },
      body,
    });
    expect(r.status).toBe(401);
  }
  expect(listRequests - before).toBeLessThanOrEqual(1);
});

test("24: deps.dev's endpoint takes the DepsDev-… and the GOSST-… headers, with keys from the deps.dev URL", async () => {
  const user = await createUser();
  const [a, b] = [await makeKey(user, { name: "dd-a", actions: ["package:push"], subjects: ["*"] }), await makeKey(user, { name: "dd-b", actions: ["package:push"], subjects: ["*"] })];
  const bodyA = JSON.stringify([{ token: a.plaintext, url: "https://www.npmjs.com/package/leaky" }]);
  const r1 = await alert("depsdev", bodyA, ["DepsDev-Public-Key-Identifier", "DepsDev-Public-Key-Signature"]);
  expect(r1.status).toBe(200);
  expect(await r1.json()).toEqual([{ token_raw: a.plaintext, label: "true_positive" }]);
  const r2 = await alert("depsdev", JSON.stringify([{ token: b.plaintext, url: "" }]), ["GOSST-PUBLIC-KEY-IDENTIFIER", "GOSST-PUBLIC-KEY-SIGNATURE"]);
  expect(r2.status).toBe(200);
  expect((await keyRow(a.id)).revocationSource).toBe("deps.dev");
  expect((await keyRow(b.id)).revocationSource).toBe("deps.dev");
});

test("the partner endpoint refuses crafted bodies: over 1 MB, bad JSON", async () => {
  const huge = await fetch(`${BASE}/api/v2/secret-scanning/github`, { method: "POST", body: Buffer.alloc(2 * 1024 * 1024, 0x20) });
  expect(huge.status).toBe(413);
  expect((await alert("github", "[{")).status).toBe(400);
});

test("leak report: live, revoked and made-up keys get the same answer; the live one is revoked and its holder mailed", async () => {
  const user = await createUser();
  const live = await makeKey(user, { name: "reported key", actions: ["package:push"], subjects: ["*"] });
  const dead = await makeKey(user, { name: "dead key", actions: ["package:push"], subjects: ["*"] });
  await revokeKey(user, dead);
  const report = (keys: string[]) => fetch(`${BASE}/api/v2/keys/report`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ keys }) });
  const answers = [];
  for (const keys of [[live.plaintext], [dead.plaintext], [`oy2${"q".repeat(43)}`]]) {
    const r = await report(keys);
    answers.push({ status: r.status, body: await r.text() });
  }
  expect(answers[0].status).toBe(202);
  expect(answers[1]).toEqual(answers[0]);
  expect(answers[2]).toEqual(answers[0]);
  await expect.poll(async () => (await keyRow(live.id)).revocationSource).toBe("Report");
  await expect.poll(() => mailsTo(user.email).filter((m) => m.includes("API key 'reported key' revoked due to a potential leak")).length).toBe(1);
  expect((await fetch(`${BASE}/api/v2/keys/report`, { method: "POST", body: "not json" })).status).toBe(422);
});

function expectRejected(client: NugetClient, r: RunResult, status: number, reason: string) {
  expect(r.exitCode, r.output).toBe(1);
  if (client === "nuget-2.8.7") expect(r.output).toContain(`Failed to process request. '${reason}'.`);
  else expect(r.output).toContain(`Response status code does not indicate success: ${status} (${reason}).`);
}

const config = (key: string) => `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <apikeys>
    <add key="https://www.nuget.org/api/v2/package" value="${key}" />
  </apikeys>
</configuration>
`;

for (const client of NUGET_CLIENTS) {
  test.describe(`${client}: pushes scanned for keys`, () => {
    test.beforeEach(() => {
      const found = checkClients();
      if (found.ok) return;
      if (process.env.CI === "true") throw new Error(`NuGet clients missing (${found.missing.join(", ")})`);
      test.skip(true, `NuGet clients missing (${found.missing.join(", ")})`);
    });

    test(`${client}: a package carrying a live key is refused naming the file; the key is revoked and its holder mailed; nothing stored`, async () => {
      const user = await createUser();
      const key = await makeKey(user, { name: "packed by mistake", actions: ["package:push"], subjects: ["*"] });
      const id = newId("Leak");
      // the usual accident: the nuget.config with the very key that pushes it
      const r = await push(client, await pack(id, "1.0.0", { files: { "tools/nuget.config": config(key.plaintext) } }), { source: V2, apiKey: key.plaintext });
      expectRejected(client, r, 400, "The package contains a live API key in the file 'tools/nuget.config'. The key has been revoked and its owner notified.");
      expect(await findVersion(id, "1.0.0")).toBeNull();
      // nothing left behind: no package file, no in-flight marker
      const packagesDir = path.resolve(process.env.PACKAGES_DIR!);
      expect((await packageFolder(e2eDb(), packagesDir, id)).files).toEqual([]);
      const markers = existsSync(path.join(packagesDir, ".pushing")) ? readdirSync(path.join(packagesDir, ".pushing")) : [];
      expect(markers.filter((m) => m.includes(id.toLowerCase()))).toEqual([]);
      expect(await keyRow(key.id)).toMatchObject({ revocationSource: "Push", revocationUrl: `${id} 1.0.0: tools/nuget.config` });
      await expect.poll(() => mailsTo(user.email).filter((m) => m.includes("API key 'packed by mistake' revoked due to a potential leak")).length).toBe(1);
    });

    test(`${client}: a live key in a UTF-16 script (as Windows PowerShell saves it) is found too`, async () => {
      const user = await createUser();
      const key = await makeKey(user, { name: "in a script", actions: ["package:push"], subjects: ["*"] });
      const pusher = await makeKey(user, { name: "pusher", actions: ["package:push"], subjects: ["*"] });
      const id = newId("Utf16");
      const script = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`nuget push *.nupkg -ApiKey ${key.plaintext}\r\n`, "utf16le")]);
      const r = await push(client, await pack(id, "1.0.0", { files: { "tools/install.ps1": script } }), { source: V2, apiKey: pusher.plaintext });
      expectRejected(client, r, 400, "The package contains a live API key in the file 'tools/install.ps1'. The key has been revoked and its owner notified.");
      expect(await findVersion(id, "1.0.0")).toBeNull();
      expect(await keyRow(key.id)).toMatchObject({ revocationSource: "Push", revocationUrl: `${id} 1.0.0: tools/install.ps1` });
      expect((await keyRow(pusher.id)).revokedAt).toBeNull();
    });

    test(`${client}: a dead key is a warning and the package is stored; a bad-checksum look-alike is stored without a word`, async () => {
      const user = await createUser();
      const pusher = await makeKey(user, { name: "pusher", actions: ["package:push"], subjects: ["*"] });
      const old = await makeKey(user, { name: "old", actions: ["package:push"], subjects: ["*"] });
      await revokeKey(user, old);
      const dead = newId("Dead");
      const r = await push(client, await pack(dead, "1.0.0", { files: { "tools/nuget.config": config(old.plaintext) } }), { source: V2, apiKey: pusher.plaintext });
      expect(r.exitCode, r.output).toBe(0);
      expect(r.output).toContain("Your package was pushed.");
      // 2.8.7 prints no X-NuGet-Warning (notes/nuget-clients.md)
      if (client === "nuget-5.8") expect(r.output).toContain("WARNING: The package contains an API key that no longer works in the file 'tools/nuget.config'.");
      expect(await findVersion(dead, "1.0.0")).not.toBeNull();

      const lookAlike = pusher.plaintext.slice(0, -1) + (pusher.plaintext.endsWith("a") ? "b" : "a");
      const fake = newId("Fake");
      const r2 = await push(client, await pack(fake, "1.0.0", { files: { "tools/nuget.config": config(lookAlike) } }), { source: V2, apiKey: pusher.plaintext });
      expect(r2.exitCode, r2.output).toBe(0);
      expect(r2.output).not.toContain("API key that no longer works");
      expect(await findVersion(fake, "1.0.0")).not.toBeNull();
      expect((await keyRow(pusher.id)).revokedAt).toBeNull();
    });
  });
}
