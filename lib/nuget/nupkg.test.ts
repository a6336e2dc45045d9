import { describe, expect, it } from "vitest";
import { strToU8, zipSync } from "fflate";
import { buildNupkg, nuspecXml } from "@/e2e/nupkg";
import { readNupkg } from "./nupkg";

describe("readNupkg", () => {
  it.each(["2010/07", "2013/05", "none"] as const)("reads id and version from a %s nuspec", (namespace) => {
    const r = readNupkg(buildNupkg({ id: "Contoso.Lib", version: "1.0", namespace }));
    expect(r).toMatchObject({ ok: true, id: "Contoso.Lib", versionText: "1.0", version: { normalized: "1.0.0" } });
  });

  it("keeps a version like 1.10 as text (not the number 1.1)", () => {
    const r = readNupkg(buildNupkg({ id: "A", version: "1.10" }));
    expect(r.ok && r.version.normalized).toBe("1.10.0");
  });

  it("reads any *.nuspec at the root, with a BOM, whatever its name", () => {
    const zip = zipSync({ "whatever.NUSPEC": strToU8(`\uFEFF${nuspecXml("X.Y", "2.0.0-rc.1+abc")}`) });
    expect(readNupkg(zip)).toMatchObject({ ok: true, id: "X.Y", version: { normalized: "2.0.0-rc.1", metadata: "abc" } });
  });

  it("reads a prefixed namespace", () => {
    const xml = `<?xml version="1.0"?><n:package xmlns:n="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><n:metadata><n:id>P</n:id><n:version>3.0</n:version></n:metadata></n:package>`;
    expect(readNupkg(zipSync({ "P.nuspec": strToU8(xml) }))).toMatchObject({ ok: true, id: "P" });
  });

  it.each([
    ["not a zip", Buffer.from("this is not a zip file at all"), "not a valid .nupkg"],
    ["a truncated zip", buildNupkg({ id: "A", version: "1.0.0" }).slice(0, 100), "not a valid .nupkg"],
    ["no nuspec", buildNupkg({ id: "A", version: "1.0.0", includeNuspec: false }), "no .nuspec"],
    ["a nuspec only in a sub-folder", zipSync({ "lib/A.nuspec": strToU8(nuspecXml("A", "1.0.0")) }), "no .nuspec"],
    ["two nuspecs", zipSync({ "A.nuspec": strToU8(nuspecXml("A", "1.0.0")), "B.nuspec": strToU8(nuspecXml("B", "1.0.0")) }), "more than one"],
    ["broken XML", buildNupkg({ id: "A", version: "1.0.0", nuspec: "<package><metadata><id>A</id>" }), "not well-formed"],
    ["not UTF-8", zipSync({ "A.nuspec": new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]) }), "not well-formed"],
    ["no metadata", buildNupkg({ id: "A", version: "1.0.0", nuspec: "<package><other/></package>" }), "no <package><metadata>"],
    ["no id", buildNupkg({ id: "A", version: "1.0.0", nuspec: "<package><metadata><version>1.0</version></metadata></package>" }), "no <id>"],
    ["no version", buildNupkg({ id: "A", version: "1.0.0", nuspec: "<package><metadata><id>A</id></metadata></package>" }), "no <version>"],
    ["a bad id", buildNupkg({ id: "A", version: "1.0.0", nuspec: nuspecXml("bad id", "1.0.0") }), "package id is not valid"],
    ["a bad version", buildNupkg({ id: "A", version: "1.0.0", nuspec: nuspecXml("A", "1.0.0.0.0") }), "'1.0.0.0.0' is not a valid NuGet version"],
  ])("refuses %s with a clear reason", (_name, bytes, reason) => {
    const r = readNupkg(bytes);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it("refuses an oversized nuspec without inflating it", () => {
    const big = `<package><metadata><id>A</id><version>1.0.0</version><description>${"x".repeat(2 * 1024 * 1024)}</description></metadata></package>`;
    const r = readNupkg(zipSync({ "A.nuspec": strToU8(big) }));
    expect(!r.ok && r.reason).toContain("too large");
  });
});
