import { describe, expect, it } from "vitest";
import { MESSAGES, nugetAnswer, nugetResponse, safeHeaderText } from "./responses";

describe("safeHeaderText", () => {
  it("keeps plain ASCII as is", () => {
    expect(safeHeaderText(MESSAGES.apiKeyInvalid)).toBe(MESSAGES.apiKeyInvalid);
  });
  it("turns typographic punctuation into ASCII and anything else non-ASCII into '?'", () => {
    expect(safeHeaderText("it’s “x” – ok…")).toBe(`it's "x" - ok...`);
    expect(safeHeaderText("clé 🔑")).toBe("cl? ??");
  });
  it("removes CR/LF and control characters (no header injection)", () => {
    const out = safeHeaderText("a\r\nSet-Cookie: x=1\u0000\u0007b");
    expect(out).not.toMatch(/[\r\n\x00-\x1f]/);
    expect(out).toBe("a Set-Cookie: x=1??b");
  });
  it("bounds the length", () => {
    const out = safeHeaderText("x".repeat(5000));
    expect(out.length).toBe(400);
    expect(out.endsWith("...")).toBe(true);
    expect(safeHeaderText("y".repeat(50), 20)).toHaveLength(20);
  });
});

describe("nugetResponse", () => {
  it("puts the sanitised reason in statusText and the reason + detail in the body and X-NuGet-Warning", async () => {
    const r = nugetResponse(404, { reason: MESSAGES.versionMissing("A", "1.0\r\n’"), detail: "détail" });
    expect(r.status).toBe(404);
    expect(r.statusText).toBe("A package with ID 'A' and version '1.0 '' does not exist.");
    expect(r.headers.get("x-nuget-warning")).toBe("d?tail");
    // no-transform: Next's compression leaves these small answers alone
    expect(r.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(await r.text()).toBe("A package with ID 'A' and version '1.0\r\n’' does not exist.\ndétail\n");
  });
  it("keeps every X-NuGet-Warning, as plain data (the front process) and as a Response (Next)", () => {
    const answer = nugetAnswer(201, { reason: "Created", warnings: ["first", "second"], headers: { "WWW-Authenticate": "ApiKey" } });
    expect(answer.headers.filter(([name]) => name === "X-NuGet-Warning").map(([, value]) => value)).toEqual(["first", "second"]);
    expect(answer).toMatchObject({ status: 201, statusText: "Created", body: "Created\n" });
    const r = nugetResponse(201, { reason: "Created", warnings: ["first", "second"] });
    expect(r.headers.get("x-nuget-warning")).toBe("first, second");
  });
  it("builds nuget.org's texts", () => {
    expect(MESSAGES.versionExists("Contoso", "1.0.0")).toBe("A package with ID 'Contoso' and version '1.0.0' already exists and cannot be modified.");
    expect(MESSAGES.expiryWarning(1, "http://h")).toBe("Your API key expires in 1 day. Visit http://h/account/apikeys to regenerate your API key.");
    expect(MESSAGES.expiryWarning(7, "http://h")).toBe("Your API key expires in 7 days. Visit http://h/account/apikeys to regenerate your API key.");
    expect(MESSAGES.tooLarge(250 * 1024 * 1024)).toBe("The package is larger than the limit of 250 MB.");
  });
});
