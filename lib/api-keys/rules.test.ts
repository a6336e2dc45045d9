import { describe, expect, it } from "vitest";
import { failOn } from "@/lib/action-state";
import { parseEnv } from "@/lib/env";
import { checkActions, checkSubjects, expiryLabel, expiryOptions, joinList, MESSAGES, resolveExpiry } from "./rules";

describe("expiry options", () => {
  it("defaults to nuget.org's 1/90/180/270/365 with 365 pre-selected", () => {
    expect(expiryOptions(undefined)).toEqual({ days: [1, 90, 180, 270, 365], defaultDays: 365, strict: false });
    expect(expiryOptions([])).toMatchObject({ days: [1, 90, 180, 270, 365], strict: false });
    expect(expiryLabel(1)).toBe("1 day");
    expect(expiryLabel(90)).toBe("90 days");
  });

  it("classic set: missing, 0 or negative = 365; above 365 clamped; other values refused", () => {
    const o = expiryOptions(undefined);
    expect(resolveExpiry(undefined, o)).toEqual({ ok: true, value: 365 });
    expect(resolveExpiry(0, o)).toEqual({ ok: true, value: 365 });
    expect(resolveExpiry(-3, o)).toEqual({ ok: true, value: 365 });
    expect(resolveExpiry(9999, o)).toEqual({ ok: true, value: 365 });
    expect(resolveExpiry(90, o)).toEqual({ ok: true, value: 90 });
    expect(resolveExpiry(7, o)).toEqual({ ok: false, error: "API key expiration must be 1, 90, 180, 270, or 365 days.", field: "expiresInDays" });
  });

  it("restriction set 1,8,30 (RestrictApiKeyExpiration): default 30, anything else refused with nuget.org's text", () => {
    const o = expiryOptions(parseEnv({ API_KEY_EXPIRY_DAYS: "30, 1,8" }).API_KEY_EXPIRY_DAYS);
    expect(o).toEqual({ days: [1, 8, 30], defaultDays: 30, strict: true });
    expect(resolveExpiry(undefined, o)).toEqual({ ok: true, value: 30 });
    expect(resolveExpiry(8, o)).toEqual({ ok: true, value: 8 });
    for (const bad of [365, 90, 7, 31]) {
      expect(resolveExpiry(bad, o)).toEqual({ ok: false, error: "API key expiration must be 1, 8, or 30 days.", field: "expiresInDays" });
    }
  });

  it("joins lists with an Oxford comma", () => {
    expect(joinList(["a"], "and")).toBe("a");
    expect(joinList(["a", "b"], "and")).toBe("a and b");
    expect(joinList(["a", "b", "c"], "or")).toBe("a, b, or c");
  });
});

describe("scopes and subjects", () => {
  it("accepts the page's scope choices only", () => {
    expect(checkActions(["package:unlist", "package:push"])).toEqual({ ok: true, value: ["package:push", "package:unlist"] });
    expect(checkActions([])).toEqual({ ok: false, error: MESSAGES.scopeRequired, field: "actions" });
    expect(checkActions(["package:delete"]).ok).toBe(false);
    expect(checkActions(["package:push", "package:pushversion"])).toEqual({ ok: false, error: MESSAGES.scopeBothPush, field: "actions" });
  });

  it("an unknown scope shows under the scopes, though its text is the owner refusal's", () => {
    expect(MESSAGES.scopeUnknown).toBe(MESSAGES.ownerNotAllowed);
    const unknown = checkActions(["package:delete"]);
    expect(unknown).toEqual({ ok: false, error: MESSAGES.scopeUnknown, field: "actions" });
    expect(!unknown.ok && failOn(unknown.field, unknown.error)).toEqual({ status: "error", fieldErrors: { actions: [MESSAGES.scopeUnknown] } });
  });

  it("one glob plus exact ids, no empties, nuget.org's characters, glob matches dropped", () => {
    expect(checkSubjects(["Contoso.*", "contoso.lib", "Other", "other"])).toEqual({ ok: true, value: { glob: "Contoso.*", ids: ["Other"] } });
    expect(checkSubjects([])).toEqual({ ok: false, error: MESSAGES.subjectsRequired, field: "subjects" });
    expect(checkSubjects(["a b"])).toEqual({ ok: false, error: MESSAGES.globInvalid, field: "subjects" });
    expect(checkSubjects(["a?"])).toEqual({ ok: false, error: MESSAGES.globInvalid, field: "subjects" });
    expect(checkSubjects(["a*", "b*"])).toEqual({ ok: false, error: MESSAGES.globTooMany, field: "subjects" });
  });
});
