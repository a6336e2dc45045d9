import { describe, expect, it } from "vitest";
import { isValidGlob, subjectAllows } from "./scopes";

describe("glob subjects (nuget.org semantics)", () => {
  it.each([
    ["Contoso.*", "contoso.lib", true],
    ["Contoso.*", "Contoso.Service.API", true],
    ["Contoso.*", "Contoso", false],
    ["Contoso.*", "Fabrikam.lib", false],
    ["*", "Anything.At.All", true],
    ["fabrikam.service.*", "Fabrikam.Service.Framework", true],
    ["Contoso.Service.API", "contoso.service.api", true],
    ["Contoso.Service.API", "Contoso.Service.API2", false],
    ["*.API", "Contoso.Service.API", true],
    ["*.API", "Contoso.Service.APIs", false],
    ["A?", "AB", false],
    ["A?", "A?", true],
    ["Contoso.S*e.API", "Contoso.Service.API", true],
    ["a.b", "aXb", false],
  ])("%s allows %s: %s", (subject, id, expected) => {
    expect(subjectAllows(subject, id)).toBe(expected);
  });

  it("allows only letters, digits, _ . - *", () => {
    expect(isValidGlob("Contoso.*_x-1")).toBe(true);
    for (const bad of ["a b", "a?", "a/b", "é*", "a+b", "[a]"]) expect(isValidGlob(bad)).toBe(false);
  });
});
