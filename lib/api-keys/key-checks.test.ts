import { describe, expect, it } from "vitest";
import type { AuthenticatedKey } from "./authenticate";
import { checkAction, checkOwnerState, checkSubject, daysUntilExpiry } from "./key-checks";
import { ACTIONS } from "./scopes";
import { VERIFY_KEY_TYPE } from "./verification-keys";

function key(scopes: [string, string][], extra: Partial<AuthenticatedKey> = {}): AuthenticatedKey {
  return {
    id: "k",
    type: "apikey.v4",
    name: "ci",
    userId: "u",
    ownerId: "u",
    ownerUsername: "alice",
    ownerConfirmed: true,
    ownerLocked: false,
    expiresAt: new Date(Date.now() + 100 * 86_400_000),
    lastUsedAt: null,
    scopes: scopes.map(([action, subject]) => ({ action, subject })),
    secret: "current",
    previousLastUsedAt: null,
    allowedCidrs: null,
    ...extra,
  };
}

describe("scope checks (pure)", () => {
  it("action filter: push needs push or pushversion, unlist needs unlist", () => {
    expect(checkAction(key([[ACTIONS.pushVersion, "*"]]), "push")).toBeNull();
    expect(checkAction(key([[ACTIONS.unlist, "*"]]), "push")).toBe("action");
    expect(checkAction(key([[ACTIONS.push, "*"]]), "unlist")).toBe("action");
    expect(checkAction(key([["PACKAGE:UNLIST", "*"]]), "unlist")).toBeNull();
    expect(checkAction(key([["all", "*"]]), "unlist")).toBeNull();
    expect(checkAction(key([[ACTIONS.verify, "A"]]), "verify")).toBeNull();
    expect(checkAction(key([[ACTIONS.verify, "A"]]), "push")).toBe("action");
  });

  it("a new id needs push; an existing id takes push or pushversion", () => {
    const pv = key([[ACTIONS.pushVersion, "*"]]);
    expect(checkSubject(pv, "push", "New.Id", false)).toBe("new-id-needs-push");
    expect(checkSubject(pv, "push", "Old.Id", true)).toBeNull();
    expect(checkSubject(key([[ACTIONS.push, "*"]]), "push", "New.Id", false)).toBeNull();
  });

  it("glob Contoso.* matches contoso.lib but not Contoso or Fabrikam.lib", () => {
    const k = key([[ACTIONS.push, "Contoso.*"]]);
    expect(checkSubject(k, "push", "contoso.lib", false)).toBeNull();
    expect(checkSubject(k, "push", "Contoso", false)).toBe("subject");
    expect(checkSubject(k, "push", "Fabrikam.lib", false)).toBe("subject");
  });

  it("needs the action on the matching subject, not on another one", () => {
    const k = key([
      [ACTIONS.push, "A"],
      [ACTIONS.unlist, "B"],
    ]);
    expect(checkSubject(k, "unlist", "B", true)).toBeNull();
    expect(checkSubject(k, "unlist", "A", true)).toBe("action");
  });

  it("verify keys verify with package:verify; normal keys with push", () => {
    expect(checkSubject(key([[ACTIONS.verify, "A"]], { type: VERIFY_KEY_TYPE }), "verify", "a", true)).toBeNull();
    expect(checkSubject(key([[ACTIONS.verify, "A"]], { type: VERIFY_KEY_TYPE }), "verify", "B", true)).toBe("subject");
    expect(checkSubject(key([[ACTIONS.pushVersion, "A"]]), "verify", "A", true)).toBeNull();
  });

  it("owner state: unconfirmed, then locked", () => {
    expect(checkOwnerState(key([], { ownerConfirmed: false, ownerLocked: true }))).toBe("owner-unconfirmed");
    expect(checkOwnerState(key([], { ownerLocked: true }))).toBe("owner-locked");
    expect(checkOwnerState(key([]))).toBeNull();
  });

  it("warns from 10 days before expiry, in whole days", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const at = (days: number) => key([], { expiresAt: new Date(now.getTime() + days * 86_400_000) });
    expect(daysUntilExpiry(at(11), now)).toBeNull();
    expect(daysUntilExpiry(at(10), now)).toBe(10);
    expect(daysUntilExpiry(at(0.2), now)).toBe(1);
  });
});

