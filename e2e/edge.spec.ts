// What the server decides before Next or the push sees a request (server/edge.ts): requests
// Next itself would answer with a 500, the pace of a body, headers a client may not set, the
// Origin of a server action, the script nonce, and who may read what the server writes under .data.
import { readdirSync, readFileSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ACTIONS } from "@/lib/api-keys/scopes";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { e2eDb } from "./fixtures";
import { buildNupkg, multipartNuGet58 } from "./nupkg";
import { rawRequest } from "./raw-http";

const BASE = process.env.E2E_BASE_URL!;
const { host, hostname, port } = new URL(BASE);

/** A PUT that sends its head, then one byte every `everyMs` (never, for Infinity), until the server answers or closes. */
function tricklePush(apiKey: string, announced: number, everyMs: number): Promise<{ statusLine: string; text: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const received: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    socket.on("connect", () => {
      socket.write(`PUT /api/v2/package/ HTTP/1.1\r\nHost: ${host}\r\nX-NuGet-ApiKey: ${apiKey}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${announced}\r\n\r\n`);
      if (Number.isFinite(everyMs)) timer = setInterval(() => socket.write("x"), everyMs);
    });
    socket.on("data", (d) => received.push(d));
    const done = () => {
      clearInterval(timer);
      const text = Buffer.concat(received).toString("latin1");
      resolve({ statusLine: text.split("\r\n")[0], text });
    };
    socket.on("error", done); // the server cut the connection after its answer
    socket.on("close", done);
  });
}

test("uploads that trickle or stall are answered 408 and free their push slots; a normal push gets through", async () => {
  const user = await insertTestUser(e2eDb());
  const key = await insertTestKey(e2eDb(), { userId: user.id, actions: [ACTIONS.push] });
  // MAX_CONCURRENT_PUSHES is 4: these hold every slot (a byte a second, and one that sends nothing)
  const slow = [tricklePush(key.plaintext, 1_000_000, 1000), tricklePush(key.plaintext, 1_000_000, 1000), tricklePush(key.plaintext, 1_000_000, 1000), tricklePush(key.plaintext, 10 * 1024 ** 3, Infinity)];
  await new Promise((r) => setTimeout(r, 500));
  const id = `Edge.Slow.${Date.now()}`;
  const form = multipartNuGet58(buildNupkg({ id, version: "1.0.0" }));
  const normal = await rawRequest(BASE, { method: "PUT", path: "/api/v2/package/", mode: "chunked", headers: { "Content-Type": form.contentType, "X-NuGet-ApiKey": key.plaintext }, body: form.body });
  expect(normal.status).toBe(201);
  const answers = await Promise.all(slow);
  for (const a of answers.slice(0, 3)) expect(a.statusLine).toBe("HTTP/1.1 408 The upload was too slow: under 10 KB a second.");
  expect(answers[3].statusLine).toBe("HTTP/1.1 408 The upload stopped: no data arrived for 5 seconds.");
  expect(answers[3].text).toContain("Nothing was stored. Push the package again.");
});

test("a client's X-Forwarded-Host and Forwarded are dropped: the push URL and the action Origin check use the real host", async ({ request }) => {
  const spoofed = { "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", Forwarded: "host=evil.example;proto=https" };
  const index = await rawRequest(BASE, { method: "GET", path: "/v3/index.json", headers: spoofed });
  expect(index.status).toBe(200);
  expect(index.body.toString()).not.toContain("evil.example");
  expect(index.body.toString()).toContain(`http://${host}/api/v2/package`);
  // a 401's realm is the host too
  const refused = await rawRequest(BASE, { method: "PUT", path: "/api/v2/package/", headers: spoofed, body: Buffer.from("x") });
  expect(refused.headers["www-authenticate"]).toBe(`ApiKey realm="${host}"`);

  const html = await (await request.get("/users/account/LogOn")).text();
  const actionId = /ACTION_1:0" value="\{&quot;id&quot;:&quot;([0-9a-f]+)&quot;/.exec(html)?.[1];
  expect(actionId).toBeTruthy();
  const post = (headers: Record<string, string>) =>
    rawRequest(BASE, { method: "POST", path: "/users/account/LogOn", headers: { "Next-Action": actionId!, "Content-Type": "text/plain;charset=UTF-8", ...headers }, body: Buffer.from("[]") });
  for (const headers of [{ Origin: "http://evil.example", ...spoofed }, { Origin: "http://evil.example" }, { Origin: "null" }]) {
    const r = await post(headers);
    expect(r.status, JSON.stringify(headers)).toBe(403);
    expect(r.body.toString()).toContain("this form was posted from another site");
  }
  expect((await post({ Origin: BASE })).status).not.toBe(403);
});

test("scripts run only with this response's nonce: no 'unsafe-inline', a new nonce every time, and the page still works", async ({ page, request }) => {
  const nonces = new Set<string>();
  for (let i = 0; i < 2; i++) {
    const res = await request.get("/users/account/LogOn");
    const csp = res.headers()["content-security-policy"];
    const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src"))!;
    expect(scriptSrc).not.toContain("unsafe-inline");
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
    expect(nonce).toBeTruthy();
    nonces.add(nonce!);
    const html = await res.text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBeGreaterThan(0);
    for (const [, attrs] of inline) expect(attrs).toContain(`nonce="${nonce}"`);
  }
  expect(nonces.size).toBe(2);
  expect((await request.get("/")).headers()["strict-transport-security"]).toBeUndefined(); // APP_URL is not https here

  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto("/users/account/LogOn");
  // hydrated: React has attached itself to the form, which only its scripts can do
  await page.waitForFunction(() => Object.keys(document.querySelector("form")!).some((k) => k.startsWith("__react")));
  expect(violations).toEqual([]);
});

test("what the server writes under .data is its user's alone (0600 files, 0700 folders)", async () => {
  // make sure a package file exists
  const user = await insertTestUser(e2eDb());
  const key = await insertTestKey(e2eDb(), { userId: user.id, actions: [ACTIONS.push] });
  const form = multipartNuGet58(buildNupkg({ id: `Edge.Modes.${Date.now()}`, version: "1.0.0" }));
  expect((await rawRequest(BASE, { method: "PUT", path: "/api/v2/package/", mode: "chunked", headers: { "Content-Type": form.contentType, "X-NuGet-ApiKey": key.plaintext }, body: form.body })).status).toBe(201);

  const open: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if ((statSync(p).mode & 0o077) !== 0) open.push(`${p} ${(statSync(p).mode & 0o777).toString(8)}`);
      if (e.isDirectory()) walk(p);
    }
  };
  const root = path.resolve(".data/e2e");
  walk(root);
  expect(readdirSync(path.resolve(process.env.PACKAGES_DIR!)).length).toBeGreaterThan(0);
  expect(open).toEqual([]);
  expect(statSync(root).mode & 0o077).toBe(0);
});

test("started in production without APP_URL, the server says so once", () => {
  // scripts/e2e-server.mjs keeps everything the server printed in .data/e2e/server.log
  const log = readFileSync(".data/e2e/server.log", "utf8");
  expect(log.match(/APP_URL is not set/g)).toHaveLength(1);
});

test("an address with a malformed %-escape gets 400, not Next's 500", async () => {
  for (const path of ["/api/v2/package/%ZZ/1.0.0", "/account/%E0%A4%A", "/packages/%"]) {
    const r = await rawRequest(BASE, { method: "GET", path });
    expect(r.status, path).toBe(400);
    expect(r.body.toString()).toContain("malformed %-escape");
  }
  expect((await rawRequest(BASE, { method: "GET", path: "/packages/Contoso%2ELib" })).status).not.toBe(400);
});

test("a form post over 1 MB gets 413, chunked without a length as well as with one; the site keeps serving", async () => {
  const body = Buffer.from(`password=${"p".repeat(1_100_000)}`);
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  for (const mode of ["chunked", "content-length"] as const) {
    const r = await rawRequest(BASE, { method: "POST", path: "/users/account/LogOn", headers, body, mode });
    expect(r.statusLine, mode).toBe("HTTP/1.1 413 Payload Too Large");
    expect(r.body.toString()).toContain("The request is too large.");
  }
  const small = await rawRequest(BASE, { method: "POST", path: "/users/account/LogOn", headers, body: Buffer.from("password=x"), mode: "chunked" });
  expect(small.status).toBeLessThan(500);
  expect(small.status).not.toBe(413);
  expect((await rawRequest(BASE, { method: "GET", path: "/" })).status).toBe(200);
});

test("a server action post Next cannot decode gets 400, not Next's 500", async ({ request }) => {
  const html = await (await request.get("/users/account/LogOn")).text();
  const id = /ACTION_1:0" value="\{&quot;id&quot;:&quot;([0-9a-f]+)&quot;/.exec(html)?.[1];
  expect(id, "the sign-in form's action id").toBeTruthy();
  for (const [contentType, body] of [
    ["text/plain;charset=UTF-8", "not json"],
    ["text/plain;charset=UTF-8", "[1,2"],
    ["multipart/form-data; boundary=x", "garbage"],
  ]) {
    const r = await rawRequest(BASE, { method: "POST", path: "/users/account/LogOn", headers: { "Next-Action": id!, "Content-Type": contentType }, body: Buffer.from(body) });
    expect(r.status, `${contentType}: ${body}`).toBe(400);
  }
});

test("a Host header that is no host still gets the push's 401, and a crafted sign-in error reason the page", async ({ request }) => {
  for (const host of ["[", "", "ok.example:99999"]) {
    const r = await rawRequest(BASE, { method: "PUT", path: "/api/v2/package/", headers: { Host: host }, body: Buffer.from("x") });
    expect(r.status, `Host: ${host}`).toBe(401);
  }
  for (const reason of ["__proto__", "constructor", "toString"]) {
    const res = await request.get(`/users/account/LogOn?error=OAuth&reason=${reason}`);
    expect(res.status(), reason).toBe(200);
    expect(await res.text()).toContain("We could not sign you in with that account.");
  }
});
