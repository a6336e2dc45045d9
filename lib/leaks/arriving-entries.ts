// The push scan's head start: a package's text entries read off their local headers while the
// body is still arriving, so the scan's workers inflate them alongside the upload instead of
// after it (scan-pool.ts's BodyScan). A zip's own list of entries, the central directory, comes
// last, so what is read here is only a guess: once the body is in, each entry the central
// directory lists is matched to a guess by its local header's offset, method and sizes, which
// pins down the very same bytes; an entry without a match is scanned then. So a package that
// misleads this walk (local headers that are not its entries) costs a rescan, never a missed key.
// Pure: no worker, no database.
import { DATA_DESCRIPTOR_FLAG, DEFLATED, ENCRYPTED_FLAG, localHeaderAt, plausibleSizes, STORED } from "@/lib/nuget/zip";
import { isTextEntry, MAX_SCANNED_BYTES, MAX_SCANNED_ENTRIES, MAX_SCANNED_ENTRY_BYTES } from "./find-keys";

/** The package must start within this many bytes of the body (after the multipart part's headers), or nothing is guessed. */
const MAX_PREAMBLE = 4096;
/** Local headers walked at most per body (a crafted one of empty records); the scan after the body covers the rest. */
export const MAX_WALKED = 100_000;

const LOCAL_SIGNATURE = Buffer.from("PK\x03\x04", "latin1");

/** A text entry as its local header states it. */
export interface ArrivedEntry {
  /** its local header's offset in the package */
  offset: number;
  /** its stored bytes: a view of the body, valid only until the body's buffer changes */
  stored: Buffer;
  deflated: boolean;
  size: number;
}

export class ArrivingEntries {
  /** where the package starts in the body; -1 until it is found */
  private start = -1;
  /** the next local header, in the body */
  private at = 0;
  private stopped = false;
  private walked = 0;
  private entries = 0;
  private budget = MAX_SCANNED_BYTES;

  /** Where the walk took the package to start in the body, or -1 (not found, or not a zip). */
  get packageStart(): number {
    return this.start;
  }

  /**
   * The text entries complete in body[0, length) and not yet returned, within the scan's caps.
   * The walk stops for good at anything it cannot follow without the central directory: a
   * data descriptor (sizes after the data), Zip64 sizes, or no local header where one should be.
   */
  next(body: Buffer, length: number): ArrivedEntry[] {
    const found: ArrivedEntry[] = [];
    if (this.stopped || (this.start === -1 && !this.findStart(body, length))) return found;
    while (!this.stopped) {
      const header = localHeaderAt(body, this.at, length);
      if (header === "short") break;
      if (header === "other" || header.flags & DATA_DESCRIPTOR_FLAG || header.zip64) {
        this.stopped = true;
        break;
      }
      const { nameStart, nameEnd, flags, method, compressedSize, uncompressedSize: size, dataStart } = header;
      const end = dataStart + compressedSize;
      if (end > length) break; // its data is still arriving: this header is read again with the next chunk
      if (++this.walked > MAX_WALKED) {
        this.stopped = true;
        break;
      }
      const offset = this.at - this.start;
      this.at = end;
      if (!isTextEntry(body, nameStart, nameEnd) || flags & ENCRYPTED_FLAG || (method !== STORED && method !== DEFLATED)) continue;
      if (!plausibleSizes(method, compressedSize, size) || size > MAX_SCANNED_ENTRY_BYTES || size > this.budget) continue;
      if (++this.entries > MAX_SCANNED_ENTRIES) {
        this.stopped = true;
        break;
      }
      this.budget -= size;
      found.push({ offset, stored: body.subarray(dataStart, end), deflated: method === DEFLATED, size });
    }
    return found;
  }

  /** No more entries from this body (the push ended before it was read). */
  stop(): void {
    this.stopped = true;
  }

  /** A bare package starts the body; a multipart one starts a line after its part's headers, within MAX_PREAMBLE. */
  private findStart(body: Buffer, length: number): boolean {
    const searched = Math.min(length, MAX_PREAMBLE);
    let at = body.subarray(0, searched).indexOf(LOCAL_SIGNATURE);
    while (at > 0 && body[at - 1] !== 0x0a) at = body.subarray(0, searched).indexOf(LOCAL_SIGNATURE, at + 1);
    if (at === -1) {
      // past the preamble's reach (or the whole body is in) with no package: no guesses for this body
      if (length >= MAX_PREAMBLE) this.stopped = true;
      return false;
    }
    this.start = at;
    this.at = at;
    return true;
  }
}
