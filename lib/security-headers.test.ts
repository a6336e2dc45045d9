import { describe, expect, it } from "vitest";
import { securityHeaders } from "./security-headers";

describe("security headers", () => {
  it("pin browsers to https (HSTS) only when the public URL is https", () => {
    const names = (https: boolean) => securityHeaders({ nonce: "n", https }).map((h) => h.key);
    expect(names(true)).toContain("Strict-Transport-Security");
    expect(names(false)).not.toContain("Strict-Transport-Security");
  });
  it("allow scripts from this origin and with the nonce, never inline ones without it", () => {
    const csp = securityHeaders({ nonce: "abc+/=", https: false }).find((h) => h.key === "Content-Security-Policy")!.value;
    expect(csp).toContain("script-src 'self' 'nonce-abc+/='");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});
