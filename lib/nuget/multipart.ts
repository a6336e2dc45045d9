// A tolerant multipart/form-data extractor over the raw bytes. Pure.
//
// Why not busboy, formidable or Request.formData(): they all reject NuGet 2.8.7's body (its
// closing delimiter is a bare "\n--boundary--" with no CRLF), and formData() also rejects
// NuGet 5.8's (`filename*=utf-8''…`). NuGet sends exactly one part, the .nupkg; its name and
// filename differ between clients ("package" / "package.nupkg"), so neither is relied on.

/** The boundary of a multipart Content-Type, quoted or not; null when there is none. */
export function multipartBoundary(contentType: string | null): string | null {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const boundary = m ? (m[1] ?? m[2]) : "";
  // RFC 2046: 1 to 70 characters
  return boundary && boundary.length <= 70 ? boundary : null;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");
const LFLF = Buffer.from("\n\n");

/**
 * The body of the first part. Its headers end at the first blank line (CRLF CRLF or bare
 * LF LF); its body runs to the next "\n--boundary" (CRLF and bare-LF delimiters alike), minus
 * a trailing CR. null when the body is not a well-formed multipart body for this boundary.
 */
export function extractFirstPart(body: Uint8Array, boundary: string): Uint8Array | null {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  let start = buf.indexOf(delimiter);
  // the first delimiter opens the body or starts a line (a preamble may come before it)
  while (start > 0 && buf[start - 1] !== 0x0a) start = buf.indexOf(delimiter, start + 1);
  if (start === -1) return null;
  const afterDelimiter = start + delimiter.length;
  // "--boundary--" straight away: an empty form
  if (buf[afterDelimiter] === 0x2d && buf[afterDelimiter + 1] === 0x2d) return null;

  const crlf = buf.indexOf(CRLFCRLF, afterDelimiter);
  const lf = buf.indexOf(LFLF, afterDelimiter);
  let bodyStart: number;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) bodyStart = crlf + CRLFCRLF.length;
  else if (lf !== -1) bodyStart = lf + LFLF.length;
  else return null;

  const end = buf.indexOf(Buffer.from(`\n--${boundary}`), bodyStart);
  if (end === -1) return null;
  let bodyEnd = end;
  if (bodyEnd > bodyStart && buf[bodyEnd - 1] === 0x0d) bodyEnd--;
  if (bodyEnd < bodyStart) return null;
  return buf.subarray(bodyStart, bodyEnd);
}
