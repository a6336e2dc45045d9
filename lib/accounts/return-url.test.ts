import { describe, expect, it } from "vitest";
import { returnUrlFrom, safeReturnUrl } from "./return-url";

describe("safeReturnUrl", () => {
  it("keeps local paths with their query", () => {
    expect(safeReturnUrl("/account/apikeys")).toBe("/account/apikeys");
    expect(safeReturnUrl("/packages?q=a%20b#top")).toBe("/packages?q=a%20b#top");
  });
  it("never leads to another site", () => {
    for (const evil of ["//evil.example", "/\\evil.example", "/\t/evil.example", "\\\\evil.example", "javascript:alert(1)", "data:text/html,x", "/.//evil.example"]) {
      const out = safeReturnUrl(evil);
      expect(out, evil).toMatch(/^\/(?![/\\])/);
      expect(new URL(out, "http://local.test").host, evil).toBe("local.test");
    }
  });
  it("reduces an absolute URL (Auth.js's callbackUrl) to its path", () => {
    expect(safeReturnUrl("http://localhost:3000/account?x=1")).toBe("/account?x=1");
    expect(safeReturnUrl("https://evil.example/")).toBe("/");
  });
  it("falls back for junk", () => {
    expect(safeReturnUrl(undefined)).toBe("/");
    expect(safeReturnUrl(42, "/account")).toBe("/account");
    expect(safeReturnUrl("x".repeat(3000))).toBe("/");
  });
});

describe("returnUrlFrom", () => {
  it("reads returnUrl, nuget.org's ReturnUrl, then callbackUrl", () => {
    expect(returnUrlFrom({ returnUrl: "/a" })).toBe("/a");
    expect(returnUrlFrom({ ReturnUrl: "/b" })).toBe("/b");
    expect(returnUrlFrom({ callbackUrl: "http://localhost/c" })).toBe("/c");
    expect(returnUrlFrom({ returnUrl: ["/d", "/e"] })).toBe("/d");
    expect(returnUrlFrom({})).toBeNull();
    expect(returnUrlFrom({ returnUrl: "//evil.example" })).toBeNull();
  });
});
