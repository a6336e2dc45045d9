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

describe("glob matching is linear (no ReDoS)", () => {
  it("answers a pathological glob against a long id at once (a backtracking RegExp took minutes)", () => {
    const id = "a".repeat(5000);
    expect(subjectAllows("*a*a*a*a*a*a*a*a*a*a*a*a*b", id)).toBe(false);
    expect(subjectAllows("*a*a*a*a*a*a*a*a*a*a*a*a*a", id)).toBe(true);
  });

  it("agrees with an anchored RegExp on every small glob and id over a two-letter alphabet", () => {
    const words = (max: number, alphabet: string): string[] => {
      const out = [""];
      for (let len = 1; len <= max; len++) {
        for (let n = 0; n < alphabet.length ** len; n++) {
          let w = "";
          for (let k = 0, m = n; k < len; k++, m = Math.floor(m / alphabet.length)) w += alphabet[m % alphabet.length];
          out.push(w);
        }
      }
      return out;
    };
    const globs = words(5, "a*b").filter((g) => g.includes("*"));
    const ids = words(6, "ab");
    for (const glob of globs) {
      const reference = new RegExp(`^${glob.split("*").join(".*")}$`, "i");
      for (const id of ids) expect(subjectAllows(glob, id), `${glob} vs ${id}`).toBe(reference.test(id));
    }
  });
});
