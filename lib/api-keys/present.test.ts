import { describe, expect, it } from "vitest";
import { expiredBanner, keyState, presentKey, revokedBanner } from "./present";

const now = new Date("2026-06-01T00:00:00Z");
const key = {
  id: "k1",
  name: "ci",
  ownerUsername: "alice",
  actions: ["package:unlist", "package:push"] as ("package:unlist" | "package:push")[],
  subjects: ["Contoso.*", "A", "B"],
  expiresAt: new Date("2027-06-01T00:00:00Z"),
  createdAt: new Date("2026-06-01T00:00:00Z"),
  revokedAt: null,
  lastUsedAt: null,
};

describe("key rows", () => {
  it("reads like nuget.org's list, plus created and last used", () => {
    expect(presentKey(key, now)).toMatchObject({
      state: "active",
      statusText: "Expires in a year",
      scopesText: "Push new packages and package versions, Unlist or relist package versions",
      glob: "Contoso.*",
      packageIds: ["A", "B"],
      createdText: "Jun 1, 2026",
      lastUsedText: "Never used",
    });
    expect(presentKey({ ...key, lastUsedAt: new Date("2026-05-29T00:00:00Z") }, now).lastUsedText).toBe("3 days ago");
  });

  it("expired at the expiry instant; revoked wins over expired", () => {
    expect(keyState({ expiresAt: now, revokedAt: null }, now)).toBe("expired");
    expect(presentKey({ ...key, expiresAt: now }, now).statusText).toBe("Expired");
    expect(presentKey({ ...key, expiresAt: now, revokedAt: now }, now).statusText).toBe("Revoked");
  });

  it("a key revoked for a leak says who reported it, when and where; a user's own revoke says nothing more", () => {
    const revokedAt = new Date("2026-05-30T10:00:00Z");
    expect(presentKey({ ...key, revokedAt, revocationSource: "GitHub", revocationUrl: "https://github.com/o/r/blob/main/nuget.config" }, now).leak).toEqual({
      reportedBy: "GitHub",
      dateText: "May 30, 2026",
      dateIso: revokedAt.toISOString(),
      where: "https://github.com/o/r/blob/main/nuget.config",
      whereIsUrl: true,
    });
    expect(presentKey({ ...key, revokedAt, revocationSource: "Push", revocationUrl: "Leaky 1.0.0: tools/nuget.config" }, now).leak).toMatchObject({
      reportedBy: "a package push",
      where: "Leaky 1.0.0: tools/nuget.config",
      whereIsUrl: false,
    });
    expect(presentKey({ ...key, revokedAt, revocationSource: "Report", revocationUrl: null }, now).leak).toMatchObject({ reportedBy: "a leak report", where: null });
    expect(presentKey({ ...key, revokedAt, revocationSource: "User" }, now).leak).toBeNull();
    expect(presentKey(key, now).leak).toBeNull();
  });

  it("banners pluralise with an Oxford comma", () => {
    expect(expiredBanner([])).toBeNull();
    expect(expiredBanner(["x"])).toBe("Your API key 'x' has expired.");
    expect(expiredBanner(["x", "y"])).toBe("Your API keys 'x' and 'y' have expired.");
    expect(revokedBanner(["a"], "NuGet Gallery <support@example.test>")).toBe(
      "Your API key 'a' has been revoked. Please check the email from NuGet Gallery <support@example.test> for details, and regenerate or create a new API key to use.",
    );
    expect(revokedBanner(["a", "b", "c"], "G")).toBe(
      "Your API keys 'a', 'b', and 'c' have been revoked. Please check the email from G for details, and regenerate or create new API keys to use.",
    );
  });
});
