import { describe, expect, it } from "vitest";
import { parseVersion } from "./version";
import { isValidPackageId, packageIdKey } from "./package-id";

describe("parseVersion", () => {
  it.each([
    ["1", "1.0.0"],
    ["1.0", "1.0.0"],
    ["1.0.0", "1.0.0"],
    ["1.0.0.0", "1.0.0"],
    ["1.2.3.4", "1.2.3.4"],
    ["01.002.0003", "1.2.3"],
    ["1.0.0.00", "1.0.0"],
    ["1.0-beta", "1.0.0-beta"],
    ["1.0.0-Beta.1", "1.0.0-Beta.1"],
    ["1.0.0-beta.0", "1.0.0-beta.0"],
    ["1.0.0-0a", "1.0.0-0a"],
    ["1.0.0-rc-1", "1.0.0-rc-1"],
    ["1.0.0+meta", "1.0.0"],
    ["1.0.0-Beta.1+sha.5.01", "1.0.0-Beta.1"],
    ["2147483647.0.0", "2147483647.0.0"],
  ])("%s normalises to %s", (input, normalized) => {
    const v = parseVersion(input);
    expect(v?.normalized).toBe(normalized);
    expect(v?.key).toBe(normalized.toLowerCase());
  });

  it("keeps build metadata apart from the identity", () => {
    expect(parseVersion("1.0.0+Build.5")).toEqual({ normalized: "1.0.0", key: "1.0.0", metadata: "Build.5" });
    expect(parseVersion("1.0")?.metadata).toBeNull();
  });

  it("compares case-insensitively through the key", () => {
    expect(parseVersion("1.0.0-BETA")!.key).toBe(parseVersion("1.0-beta")!.key);
    expect(parseVersion("1.0.0-BETA")!.normalized).toBe("1.0.0-BETA");
  });

  it.each([
    "",
    "a",
    "1.",
    ".1",
    "1..0",
    "1.0.0.0.0",
    "1.0.0-",
    "1.0.0-beta..1",
    "1.0.0-01",
    "1.0.0-beta.01",
    "1.0.0+",
    "1.0.0+a..b",
    "1.0.0-be_ta",
    "1.0.0-bêta",
    "-1.0.0",
    "v1.0.0",
    " 1.0.0",
    "1.0.0 ",
    "1.0.0\n",
    "2147483648.0.0",
    "1.0.0-" + "a".repeat(70),
  ])("refuses %j", (input) => {
    expect(parseVersion(input)).toBeNull();
  });
});

describe("package ids", () => {
  it.each(["A", "Contoso.Lib", "contoso-lib", "a_b", "a__b", "Test.Pkg.1", "_x", "x".repeat(100)])("accepts %j", (id) => {
    expect(isValidPackageId(id)).toBe(true);
  });
  it.each(["", ".a", "a.", "a..b", "a.-b", "-a", "a b", "a/b", "../x", "é", "a+b", "x".repeat(101)])("refuses %j", (id) => {
    expect(isValidPackageId(id)).toBe(false);
  });
  it("keys ids by lower case", () => {
    expect(packageIdKey("Contoso.Lib")).toBe("contoso.lib");
  });
});
