import { describe, expect, it } from "vitest";
import { computeSelection, prepareIds, subjectsToSend } from "./picker";

const prepared = prepareIds(["Contoso.Lib", "Contoso", "Fabrikam.Lib", "contoso.api"]);

describe("package picker selection", () => {
  it("glob matches case-insensitively and counts ticked ids outside it", () => {
    const sel = computeSelection(prepared, "contoso.*", new Set(["fabrikam.lib"]));
    expect([...sel.matched]).toEqual([1, 0, 0, 1]);
    expect(sel.count).toBe(3);
  });

  it("an invalid or empty glob matches nothing", () => {
    expect(computeSelection(prepared, "Contoso ?", new Set()).count).toBe(0);
    expect(computeSelection(prepared, "", new Set(["contoso"])).count).toBe(1);
    expect(computeSelection(prepared, "*", new Set()).count).toBe(4);
  });

  it("sends the glob plus only ticked ids it does not match", () => {
    expect(subjectsToSend(prepared, "Contoso.*", new Set(["contoso.lib", "contoso", "fabrikam.lib"]))).toEqual(["Contoso.*", "Contoso", "Fabrikam.Lib"]);
    expect(subjectsToSend(prepared, " ", new Set(["contoso"]))).toEqual(["Contoso"]);
  });
});
