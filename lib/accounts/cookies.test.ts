import { describe, expect, it } from "vitest";
import { secureCookies } from "./cookies";

describe("secureCookies", () => {
  it("forces Secure cookies when the site's URL is https", () => {
    expect(secureCookies({ APP_URL: "https://nuget.example" })).toBe(true);
    expect(secureCookies({ AUTH_URL: "https://nuget.example/api/auth" })).toBe(true);
  });
  it("leaves it to the request's protocol otherwise", () => {
    expect(secureCookies({})).toBeUndefined();
    expect(secureCookies({ APP_URL: "http://localhost:3000" })).toBeUndefined();
  });
});
