// NuGet version rules (NuGet.Versioning's NuGetVersion, SemVer 2.0 plus a 4th part). Hand-written
// because semver libraries reject the 4-part versions NuGet accepts. Pure.

export interface NuGetVersion {
  /** normalised text: 3 parts (4 when the revision is not 0), prerelease as typed, no metadata */
  normalized: string;
  /** lower-cased `normalized`: the identity of a version (1.0 = 1.0.0 = 1.0.0.0, case-insensitive) */
  key: string;
  /** build metadata as typed (ignored for identity), or null */
  metadata: string | null;
}

const INT32_MAX = 2_147_483_647;
const NUMERIC = /^[0-9]+$/;
const LABEL = /^[0-9A-Za-z-]+$/;
/** longest accepted version text; nuget.org's column is 64 characters */
export const MAX_VERSION_LENGTH = 64;

function numericPart(text: string): number | null {
  if (!NUMERIC.test(text)) return null;
  const n = Number(text); // leading zeros are allowed and dropped: 01.0 = 1.0.0
  return n <= INT32_MAX ? n : null;
}

/** Parses a NuGet version ("1.0", "1.0.0.0", "2.0.0-beta.1+sha.5"), or null when it is not one. */
export function parseVersion(input: string): NuGetVersion | null {
  if (input.length === 0 || input.length > MAX_VERSION_LENGTH) return null;
  const plus = input.indexOf("+");
  const withoutMeta = plus === -1 ? input : input.slice(0, plus);
  const metadata = plus === -1 ? null : input.slice(plus + 1);
  if (metadata !== null && !metadata.split(".").every((l) => LABEL.test(l))) return null;

  const dash = withoutMeta.indexOf("-");
  const core = dash === -1 ? withoutMeta : withoutMeta.slice(0, dash);
  const release = dash === -1 ? null : withoutMeta.slice(dash + 1);
  if (release !== null) {
    for (const label of release.split(".")) {
      if (!LABEL.test(label)) return null;
      // SemVer 2.0: numeric prerelease identifiers have no leading zeros
      if (NUMERIC.test(label) && label.length > 1 && label.startsWith("0")) return null;
    }
  }

  const parts = core.split(".");
  if (parts.length < 1 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const p of parts) {
    const n = numericPart(p);
    if (n === null) return null;
    numbers.push(n);
  }
  while (numbers.length < 3) numbers.push(0);
  if (numbers.length === 4 && numbers[3] === 0) numbers.pop();

  const normalized = numbers.join(".") + (release !== null ? `-${release}` : "");
  return { normalized, key: normalized.toLowerCase(), metadata };
}
