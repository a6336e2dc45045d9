import { describe, expect, it } from "vitest";
import { appOrigin, clientIp, requestIp } from "./request-context";

const headers = (h: Record<string, string>) => new Headers(h);

describe("the request context", () => {
  it("takes the client's address from the right-most X-Forwarded-For entry only", () => {
    expect(clientIp(headers({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" }))).toBe("10.0.0.1");
    expect(clientIp(headers({ "x-real-ip": "203.0.113.9" }))).toBeNull();
    expect(clientIp(null)).toBeNull();
    expect(clientIp(headers({ "x-forwarded-for": "x".repeat(200) }))).toHaveLength(64);
  });

  it("takes the origin from APP_URL when set, whatever the headers say", () => {
    const spoofed = headers({ host: "evil.example", "x-forwarded-host": "evil.example" });
    expect(appOrigin(spoofed, { APP_URL: "https://nuget.example/some/path" })).toBe("https://nuget.example");
    expect(appOrigin(headers({ host: "nuget.local:3000" }), {})).toBe("http://nuget.local:3000");
    expect(appOrigin(headers({ host: "[" }), {})).toBe("http://localhost:3000");
  });

  it("has no request address outside a request", async () => {
    expect(await requestIp()).toBeNull();
  });
});
