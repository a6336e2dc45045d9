// Zips written field by field, for the zip reader's unit tests, e2e/crafted-zips.spec.ts and
// bench/crafted-zips.ts: any count, size or offset can say what an attacker wants it to say.
import { constants, crc32, deflateRawSync } from "node:zlib";

export interface RawEntry {
  name: string;
  /** the bytes as stored: already deflated for method 8 */
  data?: Uint8Array;
  method?: number;
  flags?: number;
  crc32?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  /** the central record's local header offset; by default where this entry's header is written */
  localHeaderOffset?: number;
  /** no local header or data is written: the central record points at another entry's (with localHeaderOffset) */
  centralOnly?: boolean;
  /** the local header's name, when it must differ from the central record's */
  localName?: string;
  localFlags?: number;
  /** the central record's extra field */
  extra?: Uint8Array;
  /** as a streaming writer stores it: flag 8, zeros for the local header's CRC and sizes, a data descriptor after the data */
  dataDescriptor?: boolean;
}

export interface RawZipOptions {
  /** the end record's entry count, central directory size and offset, instead of the true ones */
  count?: number;
  directorySize?: number;
  directoryOffset?: number;
  /** write a Zip64 end record and locator (the end record's fields then at their maximum), with these values instead of the true ones */
  zip64?: { count?: number; directorySize?: number; directoryOffset?: number; recordOffset?: number } | true;
  /** bytes between the last entry's data and the central directory */
  gap?: number;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/** An entry as a zip writer would store it: stored, or deflated when `deflate` is set. */
export function entry(name: string, content: string | Uint8Array, deflate = true): RawEntry {
  const raw = typeof content === "string" ? Buffer.from(content) : Buffer.from(content);
  const data = deflate ? deflateRawSync(raw) : raw;
  return { name, data, method: deflate ? 8 : 0, crc32: crc32(raw), uncompressedSize: raw.length };
}

function centralRecord(e: RawEntry, localOffset: number): Buffer {
  const name = Buffer.from(e.name, "latin1");
  const extra = Buffer.from(e.extra ?? []);
  const data = e.data ?? new Uint8Array();
  return Buffer.concat([
    u32(0x02014b50),
    u16(20),
    u16(20),
    u16((e.flags ?? 0) | (e.dataDescriptor ? 8 : 0)),
    u16(e.method ?? 0),
    u32(0),
    u32(e.crc32 ?? crc32(data)),
    u32(e.compressedSize ?? data.length),
    u32(e.uncompressedSize ?? data.length),
    u16(name.length),
    u16(extra.length),
    u16(0),
    u16(0),
    u16(0),
    u32(0),
    u32(e.localHeaderOffset ?? localOffset),
    name,
    extra,
  ]);
}

function localHeader(e: RawEntry): Buffer {
  const name = Buffer.from(e.localName ?? e.name, "latin1");
  const data = e.data ?? new Uint8Array();
  const sums = [u32(e.crc32 ?? crc32(data)), u32(data.length), u32(e.uncompressedSize ?? data.length)];
  return Buffer.concat([
    u32(0x04034b50),
    u16(20),
    u16((e.localFlags ?? e.flags ?? 0) | (e.dataDescriptor ? 8 : 0)),
    u16(e.method ?? 0),
    u32(0),
    ...(e.dataDescriptor ? [u32(0), u32(0), u32(0)] : sums),
    u16(name.length),
    u16(0),
    name,
    data,
    ...(e.dataDescriptor ? [u32(0x08074b50), ...sums] : []),
  ]);
}

/** The end records for a central directory of `count` records, `size` bytes at `offset`, written at `at`. */
function endRecords(count: number, size: number, offset: number, at: number, opts: RawZipOptions): Buffer {
  if (!opts.zip64) {
    return Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(opts.count ?? count), u16(opts.count ?? count), u32(opts.directorySize ?? size), u32(opts.directoryOffset ?? offset), u16(0)]);
  }
  const z = opts.zip64 === true ? {} : opts.zip64;
  const zCount = z.count ?? count;
  const record = Buffer.concat([
    u32(0x06064b50),
    u64(44),
    u16(45),
    u16(45),
    u32(0),
    u32(0),
    u64(zCount),
    u64(zCount),
    u64(z.directorySize ?? size),
    u64(z.directoryOffset ?? offset),
  ]);
  const locator = Buffer.concat([u32(0x07064b50), u32(0), u64(z.recordOffset ?? at), u32(1)]);
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(0xffff), u16(0xffff), u32(0xffffffff), u32(0xffffffff), u16(0)]);
  return Buffer.concat([record, locator, end]);
}

/** A zip of these entries, in order, with the end records `opts` asks for. */
export function rawZip(entries: RawEntry[], opts: RawZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    centrals.push(centralRecord(e, offset));
    if (e.centralOnly) continue;
    const local = localHeader(e);
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const start = offset + (opts.gap ?? 0);
  return Buffer.concat([...locals, Buffer.alloc(opts.gap ?? 0), directory, endRecords(entries.length, directory.length, start, start + directory.length, opts)]);
}

/** A Zip64 extra field (id 1) holding these 64-bit values. */
export function zip64Extra(...values: number[]): Buffer {
  return Buffer.concat([u16(1), u16(values.length * 8), ...values.map(u64)]);
}

const MB = 1024 * 1024;

/** Raw deflate of `mb` MB of zeros, built from one deflated MB repeated (a sync flush leaves each copy byte-aligned). */
function deflatedZeros(mb: number): Buffer {
  const oneMb = deflateRawSync(Buffer.alloc(MB), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  // a final fixed-Huffman block holding only its end code
  return Buffer.concat([...Array.from({ length: mb }, () => oneMb), Buffer.from([0x03, 0x00])]);
}

/** Attack 1: 186 bytes, one empty entry, and a Zip64 end record that claims `count` entries. */
export function countBomb(count = 10_000_000): Buffer {
  return rawZip([entry("readme", "", false)], { zip64: { count } });
}

/** Attack 2: `records` central records e{i}.nuspec, all pointing at one deflate stream of 1 MB (about 64 KB for 1,100). */
export function overlapBomb(records = 1100): Buffer {
  const zeros = Buffer.alloc(MB);
  const shared = { data: deflateRawSync(zeros, { level: 9 }), method: 8, crc32: crc32(zeros), uncompressedSize: MB, localHeaderOffset: 0 };
  return rawZip(Array.from({ length: records }, (_, i) => ({ ...shared, name: `e${i}.nuspec`, centralOnly: i > 0 })));
}

/** Attack 3: a root .nuspec declared as 1,000 bytes that inflates to `mb` MB. */
export function nuspecBomb(mb = 200): Buffer {
  return rawZip([{ name: "Bomb.nuspec", data: deflatedZeros(mb), method: 8, crc32: crc32(Buffer.alloc(1000)), uncompressedSize: 1000 }]);
}

/** A root nuspec of `id` and version 1.0.0 holding `filler` after them: 1 MB of "<a/>" deflates to about 1 KB. */
export function nuspecOf(id: string, filler: string): Buffer {
  return rawZip([entry(`${id}.nuspec`, `<package><metadata><id>${id}</id><version>1.0.0</version>${filler}</metadata></package>`)]);
}

/** As many central records as `bytes` hold (one-letter names, none a nuspec), all pointing at one empty entry: the longest walk a body of that size can ask for. */
export function manyEntries(bytes: number): Buffer {
  const first = rawZip([entry("x", "", false)]);
  const local = first.subarray(0, 31);
  const record = first.subarray(31, 31 + 47);
  const count = Math.floor((bytes - local.length - 98) / record.length);
  const zip = Buffer.alloc(local.length + count * record.length + 98);
  local.copy(zip);
  zip.fill(record, local.length, local.length + count * record.length);
  endRecords(count, count * record.length, local.length, local.length + count * record.length, { zip64: true }).copy(zip, local.length + count * record.length);
  return zip;
}
