// The push scan's head start: text entries read off their local headers as a body arrives
// must be exactly the central directory's entries (same offset, bytes, method, size), whatever
// the chunks; anything the walk cannot follow stops it (the scan after the body covers the rest).
import { randomBytes } from "node:crypto";
import { strToU8, zipSync, type Zippable } from "fflate";
import { describe, expect, it } from "vitest";
import { multipartNuGet287, multipartNuGet58 } from "@/e2e/nupkg";
import { ArrivingEntries, MAX_WALKED, type ArrivedEntry } from "./arriving-entries";
import { MAX_SCANNED_ENTRIES, scannedEntries } from "./find-keys";

function nupkg(files: Record<string, string | Uint8Array>, level: 0 | 6 = 6): Uint8Array {
  const zip: Zippable = { "Leaky.nuspec": strToU8("<package/>") };
  for (const [name, content] of Object.entries(files)) zip[name] = typeof content === "string" ? strToU8(content) : content;
  return zipSync(zip, { level });
}

/** The body fed to a walk `chunk` bytes at a time, into one buffer as readBody fills it; the entries, their bytes copied at once (the buffer is reused). */
function walk(body: Uint8Array, chunk: number, walker = new ArrivingEntries()) {
  const buffer = Buffer.alloc(body.byteLength);
  const found: (Omit<ArrivedEntry, "stored"> & { stored: Buffer })[] = [];
  for (let at = 0; at < body.byteLength; at += chunk) {
    const end = Math.min(body.byteLength, at + chunk);
    buffer.set(body.subarray(at, end), at);
    for (const e of walker.next(buffer, end)) found.push({ ...e, stored: Buffer.from(e.stored) });
  }
  return { found, start: walker.packageStart };
}

const files = {
  "tools/nuget.config": `<add key="src" value="${"x".repeat(300)}" />`,
  "README.md": "# Leaky\n".repeat(2000),
  "lib/net8.0/Leaky.dll": new Uint8Array(randomBytes(20_000)),
  "content/big.txt": randomBytes(15_000).toString("base64"),
  "tools/install.ps1": Buffer.from("Write-Host hi\r\n", "utf16le"),
};

describe("text entries off their local headers, as the body arrives", () => {
  it("are the central directory's text entries, in a NuGet 5.8 or 2.8.7 body or a bare package, chunked any way", async () => {
    for (const level of [0, 6] as const) {
      const pkg = nupkg(files, level);
      const expected = (await scannedEntries(pkg)).map(({ offset, stored, deflated, size }) => ({ offset, stored: Buffer.from(stored), deflated, size }));
      expect(expected.map((e) => e.offset).length).toBe(5); // the nuspec and four text entries; the dll is not one
      const bodies = [multipartNuGet58(pkg).body, multipartNuGet287(pkg).body, pkg];
      for (const body of bodies) {
        const start = Buffer.from(body).indexOf("PK\x03\x04");
        for (const chunk of [1, 7, 4096, 65_536, body.byteLength]) {
          const walked = walk(body, chunk);
          expect(walked.start, `chunks of ${chunk}`).toBe(start);
          expect(walked.found.map((e) => e.offset), `chunks of ${chunk}`).toEqual(expected.map((e) => e.offset));
          expect(walked.found, `chunks of ${chunk}`).toEqual(expected);
        }
      }
    }
  });

  it("stop at a data descriptor, Zip64 sizes or anything but a local header, keeping what came before", async () => {
    const pkg = nupkg({ "a.txt": "first", "b.txt": "second", "c.txt": "third" });
    const entries = await scannedEntries(pkg);
    const [, a, b] = entries.map((e) => e.offset);
    const all = walk(pkg, 100).found.map((e) => e.offset);
    expect(all).toEqual(entries.map((e) => e.offset));
    const patched = (edit: (bytes: Buffer) => void) => {
      const bytes = Buffer.from(pkg);
      edit(bytes);
      return walk(bytes, 100).found.map((e) => e.offset);
    };
    // b.txt's sizes come after its data (flag bit 3)
    expect(patched((bytes) => bytes.writeUInt16LE(bytes.readUInt16LE(b + 6) | 8, b + 6))).toEqual([0, a]);
    // b.txt's sizes are Zip64's
    expect(patched((bytes) => bytes.writeUInt32LE(0xffffffff, b + 18))).toEqual([0, a]);
    // a.txt claims less data than it has: its guess is wrong (finish will not match it) and the next "header" is inside its data
    expect(patched((bytes) => bytes.writeUInt32LE(1, a + 18))).toEqual([0, a]);
  });

  it("find nothing in a body that is not a package, or whose package starts past the multipart headers' reach", () => {
    expect(walk(randomBytes(100_000), 4096).found).toEqual([]);
    const pkg = nupkg({ "a.txt": "text" });
    const late = Buffer.concat([Buffer.from(`--b\r\nX-Padding: ${"p".repeat(5000)}\r\n\r\n`), pkg, Buffer.from("\r\n--b--\r\n")]);
    const walked = walk(late, 1024);
    expect(walked).toEqual({ found: [], start: -1 });
    // "PK\x03\x04" inside a header line is not where a package starts
    const inHeader = Buffer.concat([Buffer.from(`--b\r\nX-Odd: PK\x03\x04\r\n\r\n`), pkg, Buffer.from("\r\n--b--\r\n")]);
    expect(walk(inHeader, 4096).start).toBe(inHeader.indexOf("PK\x03\x04", 20));
  });

  it(`stop after ${MAX_SCANNED_ENTRIES} text entries, as the scan does`, () => {
    const many: Record<string, string> = {};
    for (let i = 0; i <= MAX_SCANNED_ENTRIES; i++) many[`t/${i}.txt`] = "";
    const found = walk(nupkg(many, 0), 65_536).found;
    // the nuspec and the first MAX_SCANNED_ENTRIES - 1 of them
    expect(found.length).toBe(MAX_SCANNED_ENTRIES);
  });

  it(`stop after ${MAX_WALKED} local headers of any kind (a body of empty records buys no more walking)`, () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < MAX_WALKED; i++) many[`b/${i}`] = "";
    many["late.txt"] = "text";
    const found = walk(nupkg(many, 0), 1 << 20).found;
    // only the nuspec, the first of them
    expect(found.map((e) => e.offset)).toEqual([0]);
  });
});
