// NuGet protocol responses: nuget.org's status codes and texts, carried in the HTTP reason
// phrase (the only thing NuGet clients print) and in the body. Pure.

export const MESSAGES = {
  apiKeyRequired: "An API key must be provided in the 'X-NuGet-ApiKey' header to use this service",
  apiKeyInvalid: "The specified API key is invalid, has expired, or does not have permission to access the specified package.",
  ownerUnconfirmed:
    "The specified API key is scoped to an owner that is unconfirmed. You must confirm the owner that this API key is scoped to before you can use it.",
  ownerLocked: "The specified API key is scoped to an owner that is locked. Please contact support@nuget.org.",
  versionExists: (id: string, version: string) =>
    `A package with ID '${id}' and version '${version}' already exists and cannot be modified.`,
  // spec organizations.md §11 (sic: "learn"): a new id inside another account's reserved prefix
  idReserved:
    "This package ID has been reserved. Please request access to upload to this reserved namespace from the owner of the reserved prefix, or re-upload the package with a different ID. Go to https://docs.microsoft.com/nuget/reference/id-prefix-reservation learn more about Package ID prefix reservation.",
  idReservedNoOwner: "The package ID is reserved. You can upload your package with a different package ID. Reach out to support@nuget.org if you have questions.",
  versionMissing: (id: string, version: string) => `A package with ID '${id}' and version '${version}' does not exist.`,
  tooLarge: (limitBytes: number) => `The package is larger than the limit of ${formatBytes(limitBytes)}.`,
  expiryWarning: (days: number, origin: string) =>
    `Your API key expires in ${days === 1 ? "1 day" : `${days} days`}. Visit ${origin}/account/apikeys to regenerate your API key.`,
} as const;

export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
}

export const MAX_REASON_LENGTH = 400;

/**
 * A text made safe for the status line or a header: ASCII only (typographic quotes become
 * plain ones, anything else '?'), no control characters (a CR/LF would split the response),
 * at most `max` characters. Node throws ERR_INVALID_CHAR otherwise.
 */
export function safeHeaderText(text: string, max = MAX_REASON_LENGTH): string {
  let out = text
    .replace(/[\u2018\u2019\u201A\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u2033]/g, '"')
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/\u2026/g, "...")
    .replace(/[\r\n\t]+/g, " ")
    .replace(/[^\x20-\x7E]/g, "?")
    .trim();
  if (out.length > max) out = `${out.slice(0, max - 3)}...`;
  return out;
}

export interface NuGetResponseInit {
  /** the reason phrase, nuget.org's text (sanitised here) */
  reason: string;
  /** what went wrong in more detail (beyond nuget.org, NuGetGallery#10774): body and X-NuGet-Warning */
  detail?: string;
  /** X-NuGet-Warning headers on a success (key expiry) */
  warnings?: string[];
  headers?: Record<string, string>;
}

/**
 * A NuGet API answer as plain data. The front process (server/main.ts) writes a push's answer
 * straight to Node's response; a Next route turns one into a Response (toResponse). Building a
 * web Response and reading it back costs the push a noticeable share of its time (bench/push-api.ts).
 */
export interface NuGetAnswer {
  status: number;
  /** the reason phrase, made safe */
  statusText: string;
  /** name/value pairs; a name may repeat (X-NuGet-Warning) */
  headers: [string, string][];
  body: string;
}

/** A text/plain answer whose reason phrase is `reason`; the body repeats it plus the detail. */
export function nugetAnswer(status: number, init: NuGetResponseInit): NuGetAnswer {
  const headers: [string, string][] = Object.entries(init.headers ?? {});
  headers.push(
    ["Content-Type", "text/plain; charset=utf-8"],
    // no-transform also keeps Next's compression off these few hundred bytes: a gzip stream per
    // answer costs more CPU than the key check and the lookups together (bench/push-api.ts)
    ["Cache-Control", "no-store, no-transform"],
  );
  for (const w of [...(init.warnings ?? []), ...(init.detail ? [init.detail] : [])]) {
    headers.push(["X-NuGet-Warning", safeHeaderText(w, 1000)]);
  }
  const body = init.detail ? `${init.reason}\n${init.detail}\n` : `${init.reason}\n`;
  return { status, statusText: safeHeaderText(init.reason), headers, body };
}

export function toResponse(answer: NuGetAnswer): Response {
  return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
}

export function nugetResponse(status: number, init: NuGetResponseInit): Response {
  return toResponse(nugetAnswer(status, init));
}
