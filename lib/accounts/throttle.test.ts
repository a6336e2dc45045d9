import { describe, expect, it } from "vitest";
import { throttleLimits } from "./throttle";

describe("throttleLimits", () => {
  it("reads its limits from LOGIN_MAX_FAILURES and LOGIN_WINDOW_MINUTES", () => {
    expect(throttleLimits({})).toEqual({ maxPerAccount: 10, maxPerIp: 100, windowMs: 15 * 60_000 });
    expect(throttleLimits({ LOGIN_MAX_FAILURES: "3", LOGIN_WINDOW_MINUTES: "2", LOGIN_MAX_FAILURES_PER_IP: "7" })).toEqual({
      maxPerAccount: 3,
      maxPerIp: 7,
      windowMs: 120_000,
    });
    expect(() => throttleLimits({ LOGIN_MAX_FAILURES: "zero" })).toThrow(/LOGIN_MAX_FAILURES must be/);
    expect(() => throttleLimits({ LOGIN_WINDOW_MINUTES: "-1" })).toThrow(/LOGIN_WINDOW_MINUTES must be/);
  });
});
