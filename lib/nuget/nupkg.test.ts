import { describe, expect, it } from "vitest";
import { strToU8, zipSync } from "fflate";
import { buildNupkg, nuspecXml } from "@/e2e/nupkg";
import { countBomb, entry, nuspecBomb, nuspecOf, overlapBomb, rawZip } from "@/tests/crafted-zips";
import { isRootNuspec, MAX_NUSPEC_BYTES, MAX_NUSPEC_TAGS, readNupkg } from "./nupkg";

describe("readNupkg", () => {
  it.each(["2010/07", "2013/05", "none"] as const)("reads id and version from a %s nuspec", async (namespace) => {
    const r = await readNupkg(buildNupkg({ id: "Contoso.Lib", version: "1.0", namespace }));
    expect(r).toMatchObject({ ok: true, id: "Contoso.Lib", versionText: "1.0", version: { normalized: "1.0.0" } });
  });

  it("keeps a version like 1.10 as text (not the number 1.1)", async () => {
    const r = await readNupkg(buildNupkg({ id: "A", version: "1.10" }));
    expect(r.ok && r.version.normalized).toBe("1.10.0");
  });

  it("reads any *.nuspec at the root, with a BOM, whatever its name", async () => {
    const zip = zipSync({ "whatever.NUSPEC": strToU8(`\uFEFF${nuspecXml("X.Y", "2.0.0-rc.1+abc")}`) });
    expect(await readNupkg(zip)).toMatchObject({ ok: true, id: "X.Y", version: { normalized: "2.0.0-rc.1", metadata: "abc" } });
  });

  it("reads a prefixed namespace", async () => {
    const xml = `<?xml version="1.0"?><n:package xmlns:n="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><n:metadata><n:id>P</n:id><n:version>3.0</n:version></n:metadata></n:package>`;
    expect(await readNupkg(zipSync({ "P.nuspec": strToU8(xml) }))).toMatchObject({ ok: true, id: "P" });
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
  ])("refuses %s with a clear reason", async (_name, bytes, reason) => {
    const r = await readNupkg(bytes);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it("refuses a nuspec of more than MAX_NUSPEC_TAGS tags before parsing it, and parses one of that many", async () => {
    // eight tags around the filler
    expect(await readNupkg(nuspecOf("A", "<a/>".repeat(MAX_NUSPEC_TAGS + 1 - 8)))).toEqual({ ok: false, reason: "The package's .nuspec file has too many XML elements." });
    expect(await readNupkg(nuspecOf("A", "<a/>".repeat(MAX_NUSPEC_TAGS - 8)))).toMatchObject({ ok: true, id: "A" });
  });

  it("reads a nuspec of MAX_NUSPEC_BYTES, and refuses one a byte longer", async () => {
    const head = "<package><metadata><id>A</id><version>1.0.0</version><description>";
    const tail = "</description></metadata></package>";
    const sized = (bytes: number) => rawZip([entry("A.nuspec", head + "x".repeat(bytes - head.length - tail.length) + tail)]);
    expect(await readNupkg(sized(MAX_NUSPEC_BYTES))).toMatchObject({ ok: true, id: "A" });
    expect(await readNupkg(sized(MAX_NUSPEC_BYTES + 1))).toEqual({ ok: false, reason: "The package's .nuspec file is too large." });
  });

  it("refuses an oversized nuspec without inflating it", async () => {
    const big = `<package><metadata><id>A</id><version>1.0.0</version><description>${"x".repeat(2 * 1024 * 1024)}</description></metadata></package>`;
    const r = await readNupkg(zipSync({ "A.nuspec": strToU8(big) }));
    expect(!r.ok && r.reason).toContain("too large");
  });

  it.each([
    ["A.nuspec", true],
    ["a.NuSpEc", true],
    [".nuspec", true],
    ["100%.nuspec", true],
    ["A%2Enuspec", true],
    ["A%2enUSPEC", true],
    ["lib/A.nuspec", false],
    ["lib\\A.nuspec", false],
    ["lib%2FA.nuspec", false],
    ["lib%5cA.nuspec", false],
    ["A%252Enuspec", false],
    ["A.nuspec%20", false],
    ["A.nuspec.txt", false],
    ["A.nuspe", false],
    ["nuspec", false],
    ["", false],
  ])("takes %j for a root nuspec: %s (NuGet's rule)", (name, expected) => {
    expect(isRootNuspec(Buffer.from(name, "latin1"))).toBe(expected);
  });

  it("reads a name's bytes between start and end only", () => {
    const bytes = Buffer.from("lib/A.nuspec.txt");
    expect(isRootNuspec(bytes, 4, 12)).toBe(true);
    expect(isRootNuspec(bytes, 3, 12)).toBe(false);
    expect(isRootNuspec(bytes, 4, 16)).toBe(false);
  });

  const A = nuspecXml("A", "1.0.0");
  it.each([
    ["stored", rawZip([entry("A.nuspec", A, false)])],
    ["written with a data descriptor", rawZip([{ ...entry("A.nuspec", A), dataDescriptor: true }])],
    ["in a Zip64 archive", rawZip([entry("A.nuspec", A)], { zip64: true })],
    ["beside nuspecs in sub-folders, '/' or '\\' or %-escaped", rawZip([entry("lib/B.nuspec", A), entry("lib\\C.nuspec", A), entry("A.nuspec", A), entry("lib%2fD.nuspec", A)])],
  ])("reads a nuspec %s", async (_name, zip) => {
    expect(await readNupkg(zip)).toMatchObject({ ok: true, id: "A", versionText: "1.0.0" });
  });

  it("inflates nothing but the nuspec: other entries hold garbage, unknown methods, encryption", async () => {
    const garbage = Buffer.from("not deflate data, and it would throw if it were inflated");
    const zip = rawZip([
      { name: "lib/a.dll", data: garbage, method: 8, uncompressedSize: 100 },
      { name: "lib/b.dll", data: garbage, method: 14 },
      { name: "secret.txt", data: garbage, flags: 1, method: 8 },
      entry("A.nuspec", A),
      { name: "[Content_Types].xml", data: garbage, method: 8, crc32: 0 },
    ]);
    expect(await readNupkg(zip)).toMatchObject({ ok: true, id: "A" });
  });

  const INVALID = "The package is not a valid .nupkg (zip) file.";
  it.each([
    ["a Zip64 end record claiming 10 million entries (attack 1)", countBomb(10_000_000), INVALID],
    ["1,100 root nuspecs sharing one 1 MB deflate stream (attack 2)", overlapBomb(1100), "The package has more than one .nuspec file at its root."],
    ["a nuspec declared as 1,000 bytes that inflates to 200 MB (attack 3)", nuspecBomb(200), "The package's .nuspec file is damaged."],
    ["a nuspec whose CRC-32 is wrong", rawZip([{ ...entry("A.nuspec", A), crc32: 1 }]), "The package's .nuspec file is damaged."],
    ["an empty archive", rawZip([]), "The package has no .nuspec file at the root of its zip."],
    ["a central directory outside the body", rawZip([entry("A.nuspec", A)], { directoryOffset: 1 << 20 }), INVALID],
    ["a local header outside the body", rawZip([{ ...entry("A.nuspec", A), localHeaderOffset: 1 << 20 }]), INVALID],
    ["two root nuspecs of the same name", rawZip([entry("A.nuspec", A), entry("A.nuspec", A)]), "The package has more than one .nuspec file at its root."],
    ["a root nuspec beside a %-escaped one", rawZip([entry("A.nuspec", A), entry("B%2Enuspec", A)]), "The package has more than one .nuspec file at its root."],
    ["an encrypted nuspec", rawZip([{ ...entry("A.nuspec", A), flags: 1 }]), "The package's .nuspec file is encrypted."],
    ["a nuspec compressed with LZMA", rawZip([{ ...entry("A.nuspec", A), method: 14 }]), "The package's .nuspec file is compressed with an unsupported method."],
  ])("refuses %s", async (_name, zip, reason) => {
    expect(await readNupkg(zip)).toEqual({ ok: false, reason });
  });
});
