import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { strToU8, zipSync } from "fflate";
import { buildNupkg } from "@/e2e/nupkg";
import { countBomb, entry, manyEntries, nuspecBomb, overlapBomb, rawZip, zip64Extra, type RawEntry, type RawZipOptions } from "@/tests/crafted-zips";
import { findEntries, readEntry, type ZipEntry } from "./zip";

const latin1 = (bytes: Buffer, start: number, end: number) => bytes.toString("latin1", start, end);
const all = () => true;
const named = (name: string) => (bytes: Buffer, start: number, end: number) => latin1(bytes, start, end) === name;
const MB = 1024 * 1024;

async function entries(zip: Uint8Array, select = all, stopAfter = Infinity): Promise<ZipEntry[]> {
  const r = await findEntries(zip, select, stopAfter);
  if (!r.ok) throw new Error(`findEntries: ${r.problem}: ${r.detail}`);
  return r.entries;
}

/** findEntries then readEntry of the one entry called `name` */
async function read(zip: Uint8Array, name: string, maxBytes = MB) {
  const found = await findEntries(zip, named(name), 1);
  if (!found.ok) return found;
  expect(found.entries.map((e) => e.name)).toEqual([name]);
  return readEntry(zip, found.entries[0], maxBytes);
}

/** a zip with one entry "a.txt" holding "hello", changed by `change` */
function one(change: Partial<RawEntry> = {}, opts: RawZipOptions = {}): Buffer {
  return rawZip([{ ...entry("a.txt", "hello"), ...change }], opts);
}

function withByte(zip: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(zip);
  copy[at < 0 ? copy.length + at : at] = value;
  return copy;
}

describe("findEntries", () => {
  it("lists every entry of a package, in order, with its sizes", async () => {
    const names = (await entries(buildNupkg({ id: "A", version: "1.0.0" }))).map((e) => e.name);
    expect(names).toEqual(["_rels/.rels", "A.nuspec", "content/readme.txt", expect.stringMatching(/^package\/services\/metadata\/core-properties\/.*\.psmdcp$/), "[Content_Types].xml"]);
    const [a] = await entries(one());
    expect(a).toMatchObject({ name: "a.txt", method: 8, uncompressedSize: 5, localHeaderOffset: 0 });
  });

  it("stops once more than `stopAfter` entries are selected, without reading further", async () => {
    // the third record is damaged: reaching it fails
    const zip = overlapBomb(3);
    const directory = zip.readUInt32LE(zip.length - 6);
    const damaged = withByte(zip, directory + 2 * (46 + "e0.nuspec".length), 0);
    expect(await findEntries(damaged, all, Infinity)).toMatchObject({ ok: false, detail: "the central directory is damaged" });
    const found = await findEntries(damaged, all, 1);
    expect(found.ok && found.entries.map((e) => e.name)).toEqual(["e0.nuspec", "e1.nuspec"]);
  });

  it("reads an empty archive: no entries", async () => {
    expect(await entries(rawZip([]))).toEqual([]);
  });

  it("reads Zip64 end records and an entry's Zip64 sizes", async () => {
    const hello = entry("a.txt", "hello");
    const zip = rawZip([{ ...hello, compressedSize: 0xffffffff, uncompressedSize: 0xffffffff, localHeaderOffset: 0xffffffff, extra: zip64Extra(5, hello.data!.length, 0) }], { zip64: true });
    const [a] = await entries(zip);
    expect(a).toMatchObject({ name: "a.txt", uncompressedSize: 5, compressedSize: hello.data!.length, localHeaderOffset: 0 });
    const r = await readEntry(zip, a, MB);
    expect(r.ok && r.data.toString()).toBe("hello");
  });

  it("reads exactly 65,535 entries without Zip64 records: the count at its maximum is then true", async () => {
    expect(await entries(overlapBomb(65_535))).toHaveLength(65_535);
  });

  it("accepts a comment after the end record", async () => {
    const zip = one();
    const withComment = Buffer.concat([zip.subarray(0, -2), Buffer.from([3, 0]), Buffer.from("hi!")]);
    expect((await entries(withComment)).map((e) => e.name)).toEqual(["a.txt"]);
  });

  it("yields to the event loop while it walks a large directory", async () => {
    const zip = manyEntries(4 * MB); // about 89,000 records
    let turns = 0;
    let done = false;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const found = await findEntries(zip, all, Infinity);
    done = true;
    expect(found.ok && found.entries.length).toBeGreaterThan(89_000);
    // one turn per 4,096 records at least
    expect(turns).toBeGreaterThanOrEqual(20);
  });

  const structural: [string, Uint8Array, string][] = [
    ["a text", Buffer.from("this is not a zip file at all"), "no end of central directory record"],
    ["a body shorter than an end record", Buffer.from("PK\x05\x06"), "too short to be a zip"],
    ["an end-record comment that runs past the end", withByte(one(), -2, 200), "the end record's comment runs past the end"],
    ["a directory offset outside the body", one({}, { directoryOffset: 1_000_000 }), "the central directory lies outside the file"],
    ["a directory size past the end", one({}, { directorySize: 1_000_000 }), "the central directory lies outside the file"],
    ["a directory that runs into the end record", one({}, { directorySize: 60 }), "the central directory lies outside the file"],
    ["a directory cut short", one({}, { directorySize: 40 }), "the central directory is truncated"],
    ["a record that runs past the directory's end", one({}, { directorySize: 50 }), "the central directory is truncated"],
    ["a directory offset that does not point at a record", one({}, { directoryOffset: 1 }), "the central directory is damaged"],
    ["a count that is not the directory's", one({}, { count: 2 }), "the entry count does not match the central directory"],
    ["a split archive", withByte(one(), -18, 1), "split across several disks"],
    ["a count of 65,535 without Zip64 records that is not the directory's", one({}, { count: 0xffff }), "the entry count does not match the central directory"],
    ["a Zip64 record offset past the end", one({}, { zip64: { recordOffset: 2 ** 40 } }), "the Zip64 end record lies outside the file"],
    ["a Zip64 record offset at the wrong place", one({}, { zip64: { recordOffset: 0 } }), "no Zip64 end record where its locator points"],
    ["a Zip64 directory offset of 2^62", one({}, { zip64: { directoryOffset: 2 ** 62 } }), "the central directory lies outside the file"],
    ["a Zip64 directory size of 2^60", one({}, { zip64: { directorySize: 2 ** 60 } }), "the central directory lies outside the file"],
    ["a Zip64 count of 10 million (attack 1)", countBomb(10_000_000), "the entry count does not match the central directory"],
    ["a Zip64 count of 2^32 - 1", countBomb(2 ** 32 - 1), "the entry count does not match the central directory"],
    ["a Zip64 count of 2^63", countBomb(2 ** 63), "the entry count does not match the central directory"],
    ["an entry with Zip64 sizes but no Zip64 field", one({ compressedSize: 0xffffffff }), "an entry's Zip64 sizes are missing"],
    ["an entry whose Zip64 field is too short", one({ compressedSize: 0xffffffff, uncompressedSize: 0xffffffff, extra: zip64Extra(5) }), "an entry's Zip64 sizes are missing"],
  ];
  it.each(structural)("refuses %s", async (_name, zip, detail) => {
    expect(await findEntries(zip, all, Infinity)).toEqual({ ok: false, problem: "invalid", detail });
  });

  it("sizes attack 1 as reported: 186 bytes", () => {
    expect(countBomb().length).toBe(186);
  });
});

describe("readEntry", () => {
  it("reads a deflated and a stored entry from a zip written by fflate", async () => {
    const zip = zipSync({ "d.txt": strToU8("deflated ".repeat(100)), "s.txt": [strToU8("stored"), { level: 0 }] });
    const d = await read(zip, "d.txt");
    expect(d.ok && d.data.toString()).toBe("deflated ".repeat(100));
    const s = await read(zip, "s.txt");
    expect(s.ok && s.data.toString()).toBe("stored");
  });

  it("reads an entry written with a data descriptor", async () => {
    const r = await read(one({ dataDescriptor: true }), "a.txt");
    expect(r.ok && r.data.toString()).toBe("hello");
  });

  it("reads an empty entry, stored or deflated", async () => {
    for (const deflate of [false, true]) {
      const r = await read(rawZip([entry("e", "", deflate)]), "e");
      expect(r.ok && r.data.length).toBe(0);
    }
  });

  it("reads only its entry: others with garbage data, unknown methods or encryption are never touched", async () => {
    const garbage = Buffer.from("this is not deflate data at all");
    const zip = rawZip([
      { name: "bad.bin", data: garbage, method: 8, uncompressedSize: 10 * MB },
      { name: "lzma.bin", data: garbage, method: 14 },
      { name: "secret.bin", data: garbage, flags: 1 },
      entry("a.txt", "hello"),
      { name: "far.bin", data: garbage, method: 8, localHeaderOffset: 1_000_000, centralOnly: true },
    ]);
    const r = await read(zip, "a.txt");
    expect(r.ok && r.data.toString()).toBe("hello");
    // and each of those would indeed have failed
    expect(await read(zip, "bad.bin", 100 * MB)).toMatchObject({ ok: false, problem: "corrupt" });
    expect(await read(zip, "lzma.bin")).toMatchObject({ ok: false, problem: "unsupported-method" });
    expect(await read(zip, "secret.bin")).toMatchObject({ ok: false, problem: "encrypted" });
    expect(await read(zip, "far.bin")).toMatchObject({ ok: false, problem: "invalid" });
  });

  const garbage = Buffer.alloc(64, 0xff);
  const hello = entry("a.txt", "hello");
  const failures: [string, Buffer, string, string][] = [
    ["a local header offset past the end", one({ localHeaderOffset: 1_000_000 }), "invalid", "an entry's local header is missing"],
    ["a local header offset of 2^40 (Zip64)", one({ localHeaderOffset: 0xffffffff, extra: zip64Extra(2 ** 40) }), "invalid", "an entry's local header is missing"],
    ["a local header offset inside the central directory", one({ localHeaderOffset: 40 }), "invalid", "an entry's local header is missing"],
    ["a local header offset that points at no header", one({ localHeaderOffset: 1 }), "invalid", "an entry's local header is missing"],
    ["a local header whose name differs", one({ localName: "b.txt" }), "invalid", "an entry's local header does not match its central record"],
    ["compressed data that runs past the end", one({ compressedSize: 500 }), "invalid", "an entry's data runs past its end"],
    ["compressed data that runs into the central directory", one({ compressedSize: hello.data!.length + 3 }), "invalid", "an entry's data runs past its end"],
    ["a Zip64 compressed size of 2^60", one({ compressedSize: 0xffffffff, extra: zip64Extra(2 ** 60) }), "invalid", "an entry's data runs past its end"],
    ["a Zip64 size of 2^40", one({ uncompressedSize: 0xffffffff, extra: zip64Extra(2 ** 40) }), "too-large", "the entry is 1099511627776 bytes"],
    ["an unsupported method (LZMA)", one({ method: 14 }), "unsupported-method", "compression method 14"],
    ["the encryption flag", one({ flags: 1 }), "encrypted", "the entry is encrypted"],
    ["the encryption flag in the local header only", one({ localFlags: 1 }), "encrypted", "the entry is encrypted"],
    ["a declared size over the cap (nothing inflated)", one({ data: garbage, uncompressedSize: MB + 1 }), "too-large", "the entry is 1048577 bytes"],
    ["a stored entry whose sizes differ", one({ ...entry("a.txt", "hello", false), uncompressedSize: 4 }), "corrupt", "the entry's compressed and inflated sizes do not agree"],
    ["a deflate stream far larger than its output", one({ data: Buffer.alloc(5000), uncompressedSize: 10 }), "corrupt", "the entry's compressed and inflated sizes do not agree"],
    ["damaged deflate data", one({ data: garbage }), "corrupt", "the entry's deflate data is damaged or longer than declared"],
    ["deflate data cut short", one({ ...entry("a.txt", "hello ".repeat(1000)), data: entry("a", "hello ".repeat(1000)).data!.subarray(0, 10) }), "corrupt", "the entry's deflate data is damaged or longer than declared"],
    ["deflate data longer than declared", one({ uncompressedSize: 4 }), "corrupt", "the entry's deflate data is damaged or longer than declared"],
    ["deflate data shorter than declared", one({ uncompressedSize: 6 }), "corrupt", "the entry's size is not as declared"],
    ["a wrong CRC-32", one({ crc32: 1234 }), "corrupt", "the entry's CRC-32 does not match"],
  ];
  it.each(failures)("refuses %s", async (_name, zip, problem, detail) => {
    expect(await read(zip, "a.txt")).toEqual({ ok: false, problem, detail });
  });

  it("stops inflating at the declared size: 2 MB of zeros declared as 1,000 bytes", async () => {
    const zip = one({ data: deflateRawSync(Buffer.alloc(2 * MB), { level: 9 }), uncompressedSize: 1000 });
    expect(await read(zip, "a.txt")).toEqual({ ok: false, problem: "corrupt", detail: "the entry's deflate data is damaged or longer than declared" });
  });

  it("does not inflate 200 MB of zeros declared as 1,000 bytes (attack 3): its compressed size already gives it away", async () => {
    const zip = nuspecBomb(200);
    expect(zip.length).toBeLessThan(256 * 1024);
    expect(await read(zip, "Bomb.nuspec")).toEqual({ ok: false, problem: "corrupt", detail: "the entry's compressed and inflated sizes do not agree" });
  });
});
