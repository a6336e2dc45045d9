// A zip reader for untrusted uploads (APPNOTE.TXT 6.3): finds entries by walking the central
// directory and reads one of them, trusting no count, offset or size the archive claims beyond
// what its bytes hold. Nothing is inflated but the entry asked for, on zlib's thread pool, capped.
import { crc32, inflateRaw } from "node:zlib";

const EOCD_SIGNATURE = Buffer.from("PK\x05\x06", "latin1");
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL = 0x02014b50;
const CENTRAL_SIZE = 46;
const LOCAL = 0x04034b50;
const LOCAL_SIZE = 30;
const ZIP64_EXTRA = 0x0001;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
export const STORED = 0;
export const DEFLATED = 8;
export const ENCRYPTED_FLAG = 1;

/**
 * Central-directory records walked between two turns of the event loop: a slice is well under a
 * millisecond, and a 250 MB body of minimal records (5.6 M) takes a fraction of a second in all
 * (bench/crafted-zips.ts has the figures), so no cap on the count is needed.
 */
const WALK_SLICE = 4096;

export type ZipProblem = "invalid" | "too-large" | "encrypted" | "unsupported-method" | "corrupt";
export type ZipFailure = { ok: false; problem: ZipProblem; detail: string };

export interface ZipEntry {
  /** the name's bytes read as latin1: exact for ASCII ('/', '\', '%', extensions), which is what callers test */
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** the start of the central directory: an entry's local header and data must end before it */
  dataLimit: number;
  /** the name's raw bytes, compared with the local header's */
  nameBytes: Buffer;
}

class Broken extends Error {
  constructor(
    readonly problem: ZipProblem,
    readonly detail: string,
  ) {
    super(detail);
  }
}

function fail(problem: ZipProblem, detail: string): ZipFailure {
  return { ok: false, problem, detail };
}

function failure(e: unknown): ZipFailure {
  if (e instanceof Broken) return fail(e.problem, e.detail);
  throw e;
}

function bufferOf(zip: Uint8Array): Buffer {
  return Buffer.isBuffer(zip) ? zip : Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}

// Little-endian fields read byte by byte: the central-directory walk reads millions of them, and
// Buffer's readUInt*LE cost four times as much. Every caller has checked `at` against the buffer.
function u16(buf: Buffer, at: number): number {
  return buf[at] | (buf[at + 1] << 8);
}
function u32(buf: Buffer, at: number): number {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0;
}
/** above 2^53 inexact, but then larger than any buffer, which is all a caller checks */
function u64(buf: Buffer, at: number): number {
  return u32(buf, at) + u32(buf, at + 4) * 2 ** 32;
}

interface Directory {
  start: number;
  end: number;
  count: number;
}

/** The central directory's place and claimed entry count, from the end record (and its Zip64 form), all checked against the buffer. */
function locateDirectory(buf: Buffer): Directory {
  if (buf.length < EOCD_SIZE) throw new Broken("invalid", "too short to be a zip");
  // the end record is the last 22 bytes, but for a comment of up to 64 KB after it: only that tail is searched
  const tail = Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT);
  const found = buf.subarray(tail).lastIndexOf(EOCD_SIGNATURE, buf.length - EOCD_SIZE - tail);
  if (found === -1) throw new Broken("invalid", "no end of central directory record");
  const at = tail + found;
  if (at + EOCD_SIZE + u16(buf, at + 20) > buf.length) throw new Broken("invalid", "the end record's comment runs past the end");
  let disk = u16(buf, at + 4);
  let directoryDisk = u16(buf, at + 6);
  let onThisDisk = u16(buf, at + 8);
  let count = u16(buf, at + 10);
  let size = u32(buf, at + 12);
  let start = u32(buf, at + 16);
  let limit = at;
  const locator = at - ZIP64_LOCATOR_SIZE;
  // a field at its maximum may be a Zip64 marker, or true (exactly 65,535 entries): without a locator, it is taken as it is
  const zip64 = [disk, directoryDisk, onThisDisk, count].includes(MAX16) || size === MAX32 || start === MAX32;
  if (zip64 && locator >= 0 && u32(buf, locator) === ZIP64_LOCATOR) {
    if (u32(buf, locator + 4) !== 0 || u32(buf, locator + 16) > 1) throw new Broken("invalid", "split across several disks");
    const z = u64(buf, locator + 8);
    if (z > locator - ZIP64_EOCD_SIZE) throw new Broken("invalid", "the Zip64 end record lies outside the file");
    if (u32(buf, z) !== ZIP64_EOCD) throw new Broken("invalid", "no Zip64 end record where its locator points");
    disk = u32(buf, z + 16);
    directoryDisk = u32(buf, z + 20);
    onThisDisk = u64(buf, z + 24);
    count = u64(buf, z + 32);
    size = u64(buf, z + 40);
    start = u64(buf, z + 48);
    limit = z;
  }
  if (disk !== 0 || directoryDisk !== 0 || onThisDisk !== count) throw new Broken("invalid", "split across several disks");
  if (start > limit || size > limit - start) throw new Broken("invalid", "the central directory lies outside the file");
  return { start, end: start + size, count };
}

/** A record's fields, with the Zip64 extra field's values for those set to their maximum. */
function entryAt(buf: Buffer, at: number, dataLimit: number): ZipEntry {
  const nameLength = u16(buf, at + 28);
  let compressedSize = u32(buf, at + 20);
  let uncompressedSize = u32(buf, at + 24);
  let localHeaderOffset = u32(buf, at + 42);
  let disk = u16(buf, at + 34);
  if (uncompressedSize === MAX32 || compressedSize === MAX32 || localHeaderOffset === MAX32 || disk === MAX16) {
    // the extra field: (id, size, data) records; Zip64's holds, in this order, only the fields that are at their maximum
    let field = at + CENTRAL_SIZE + nameLength;
    const extraEnd = field + u16(buf, at + 30);
    let zip64: { at: number; end: number } | null = null;
    while (field + 4 <= extraEnd && !zip64) {
      const end = field + 4 + u16(buf, field + 2);
      if (end > extraEnd) break;
      if (u16(buf, field) === ZIP64_EXTRA) zip64 = { at: field + 4, end };
      field = end;
    }
    if (!zip64) throw new Broken("invalid", "an entry's Zip64 sizes are missing");
    const z = zip64;
    const next = (bytes: 4 | 8) => {
      if (z.at + bytes > z.end) throw new Broken("invalid", "an entry's Zip64 sizes are missing");
      const value = bytes === 8 ? u64(buf, z.at) : u32(buf, z.at);
      z.at += bytes;
      return value;
    };
    if (uncompressedSize === MAX32) uncompressedSize = next(8);
    if (compressedSize === MAX32) compressedSize = next(8);
    if (localHeaderOffset === MAX32) localHeaderOffset = next(8);
    if (disk === MAX16) disk = next(4);
  }
  if (disk !== 0) throw new Broken("invalid", "split across several disks");
  return {
    name: buf.toString("latin1", at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength),
    flags: u16(buf, at + 8),
    method: u16(buf, at + 10),
    crc32: u32(buf, at + 16),
    compressedSize,
    uncompressedSize,
    localHeaderOffset,
    dataLimit,
    nameBytes: buf.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength),
  };
}

/** Resolves on the event loop's next turn: long walks yield with it (here and in the push scan). */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The entries whose name, bytes[nameStart, nameEnd), `select` accepts, in central-directory
 * order. The directory is walked by its bytes, never by the count it claims (which must then
 * match); the walk yields to the event loop every few thousand records, and stops as soon as
 * more than `stopAfter` entries are selected.
 */
export async function findEntries(
  zip: Uint8Array,
  select: (bytes: Buffer, nameStart: number, nameEnd: number) => boolean,
  stopAfter: number,
): Promise<{ ok: true; entries: ZipEntry[] } | ZipFailure> {
  try {
    const buf = bufferOf(zip);
    const dir = locateDirectory(buf);
    const entries: ZipEntry[] = [];
    let walked = 0;
    for (let at = dir.start; at < dir.end; ) {
      if (dir.end - at < CENTRAL_SIZE) throw new Broken("invalid", "the central directory is truncated");
      if (u32(buf, at) !== CENTRAL) throw new Broken("invalid", "the central directory is damaged");
      const nameLength = u16(buf, at + 28);
      const next = at + CENTRAL_SIZE + nameLength + u16(buf, at + 30) + u16(buf, at + 32);
      if (next > dir.end) throw new Broken("invalid", "the central directory is truncated");
      // the name is offered as bytes: a string per record would cost most of the walk
      if (select(buf, at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength)) {
        entries.push(entryAt(buf, at, dir.start));
        if (entries.length > stopAfter) return { ok: true, entries };
      }
      at = next;
      if (++walked % WALK_SLICE === 0) await nextTurn();
    }
    if (walked !== dir.count) throw new Broken("invalid", "the entry count does not match the central directory");
    return { ok: true, entries };
  } catch (e) {
    return failure(e);
  }
}

/** Whether an entry's two sizes go together: a deflate stream is never twice its output (but for a few bytes); a larger one is not what it claims. */
export function plausibleSizes(method: number, compressedSize: number, uncompressedSize: number): boolean {
  return method === STORED ? compressedSize === uncompressedSize : compressedSize <= 2 * uncompressedSize + 1024;
}

function inflate(data: Buffer, maxOutputLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => inflateRaw(data, { maxOutputLength }, (e, out) => (e ? reject(e) : resolve(out))));
}

/**
 * An entry's stored bytes (deflated or not: `entry.method` says), unread: its local header and
 * data inside the file, not encrypted, stored or deflated, declaring at most `maxBytes` inflated,
 * and its two sizes plausible together. What readEntry inflates; the push scan's worker is
 * handed only these (lib/leaks/scan-pool.ts).
 */
export function entryData(zip: Uint8Array, entry: ZipEntry, maxBytes: number): { ok: true; stored: Buffer } | ZipFailure {
  // failures returned, not thrown: a crafted directory of thousands of records failing here made
  // an Error (and its stack) apiece, tens of milliseconds on the event loop (bench/crafted-zips.ts)
  const buf = bufferOf(zip);
  const { localHeaderOffset: local, compressedSize, uncompressedSize, dataLimit } = entry;
  const header = local > dataLimit - LOCAL_SIZE ? "other" : localHeaderAt(buf, local, dataLimit);
  if (header === "other") return fail("invalid", "an entry's local header is missing");
  // "short": its name and extra field already run past the entries' end
  if (header === "short") return fail("invalid", "an entry's data runs past its end");
  const { nameStart, nameEnd, dataStart } = header;
  if (!buf.subarray(nameStart, nameEnd).equals(entry.nameBytes)) return fail("invalid", "an entry's local header does not match its central record");
  if (compressedSize > dataLimit - dataStart) return fail("invalid", "an entry's data runs past its end");
  if ((entry.flags | header.flags) & ENCRYPTED_FLAG) return fail("encrypted", "the entry is encrypted");
  if (entry.method !== STORED && entry.method !== DEFLATED) return fail("unsupported-method", `compression method ${entry.method}`);
  if (uncompressedSize > maxBytes) return fail("too-large", `the entry is ${uncompressedSize} bytes`);
  if (!plausibleSizes(entry.method, compressedSize, uncompressedSize)) return fail("corrupt", "the entry's compressed and inflated sizes do not agree");
  return { ok: true, stored: buf.subarray(dataStart, dataStart + compressedSize) };
}

/**
 * One entry's bytes, at most `maxBytes` of them (entryData's checks), its inflated size and
 * CRC-32 as its central record says. Deflate runs on zlib's thread pool and stops at the declared size.
 */
export async function readEntry(zip: Uint8Array, entry: ZipEntry, maxBytes: number): Promise<{ ok: true; data: Buffer } | ZipFailure> {
  const found = entryData(zip, entry, maxBytes);
  if (!found.ok) return found;
  const { stored } = found;
  const { uncompressedSize } = entry;
  try {
    let data: Buffer;
    if (entry.method === STORED) data = stored;
    else {
      try {
        // maxOutputLength must be at least 1: an entry declared empty that inflates to a byte fails the size check below
        data = await inflate(stored, Math.max(1, uncompressedSize));
      } catch {
        throw new Broken("corrupt", "the entry's deflate data is damaged or longer than declared");
      }
    }
    if (data.length !== uncompressedSize) throw new Broken("corrupt", "the entry's size is not as declared");
    if (crc32(data) !== entry.crc32) throw new Broken("corrupt", "the entry's CRC-32 does not match");
    return { ok: true, data };
  } catch (e) {
    return failure(e);
  }
}

/** A local header: read by entryData, and as the body arrives (lib/leaks/arriving-entries.ts) before the central directory is there to say what the entries are. */
export interface LocalHeader {
  /** the name's bytes: [nameStart, nameEnd) of the buffer */
  nameStart: number;
  nameEnd: number;
  flags: number;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** where the entry's stored bytes start */
  dataStart: number;
  /** a size is Zip64's marker: the true ones are in the extra field */
  zip64: boolean;
}

/** Flag bit 3: the sizes follow the data (a data descriptor), and the local header's are zero. */
export const DATA_DESCRIPTOR_FLAG = 8;

/**
 * The local header at `at`, if buf[at, end) holds all of it (its name and extra field too):
 * "short" when more bytes are needed, "other" when no local header starts there (the central
 * directory, or not a zip). Its sizes are as it states them: MAX32 for Zip64's, zero with a data descriptor.
 */
export function localHeaderAt(buf: Buffer, at: number, end: number): LocalHeader | "short" | "other" {
  if (end - at < 4) return "short";
  if (u32(buf, at) !== LOCAL) return "other";
  if (end - at < LOCAL_SIZE) return "short";
  const nameStart = at + LOCAL_SIZE;
  const nameEnd = nameStart + u16(buf, at + 26);
  const dataStart = nameEnd + u16(buf, at + 28);
  if (dataStart > end) return "short";
  const compressedSize = u32(buf, at + 18);
  const uncompressedSize = u32(buf, at + 22);
  const zip64 = compressedSize === MAX32 || uncompressedSize === MAX32;
  return { nameStart, nameEnd, flags: u16(buf, at + 6), method: u16(buf, at + 8), compressedSize, uncompressedSize, dataStart, zip64 };
}
