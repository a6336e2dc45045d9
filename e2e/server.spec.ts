// The front process (server/main.ts) before Next: requests Next itself would answer with a 500.
import { expect, test } from "@playwright/test";
import { rawRequest } from "./raw-http";

const BASE = process.env.E2E_BASE_URL!;

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
