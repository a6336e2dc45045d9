// The package picker's selection maths, kept pure and allocation-light so a keystroke in the
// glob box stays well under a frame for accounts with 10,000+ ids (NuGetGallery#4604).
import { isValidGlob, lowerGlobMatcher } from "./scopes";

export interface PreparedIds {
  ids: readonly string[];
  /** ids lower-cased once, when the list loads, not on every keystroke */
  lower: readonly string[];
}

export function prepareIds(ids: readonly string[]): PreparedIds {
  return { ids, lower: ids.map((id) => id.toLowerCase()) };
}

/** One compiled matcher per glob, over lower-cased ids; null = no (valid) glob. */
function lowerMatcher(glob: string): ((lowerId: string) => boolean) | null {
  const g = glob.trim().toLowerCase();
  if (!g || !isValidGlob(g)) return null;
  return lowerGlobMatcher(g);
}

interface Selection {
  /** 1 where the glob matches the id at that index */
  matched: Uint8Array;
  /** ids checked either way: matched by the glob or ticked */
  count: number;
}

/** `ticked` holds lower-cased ids. */
export function computeSelection(prepared: PreparedIds, glob: string, ticked: ReadonlySet<string>): Selection {
  const n = prepared.lower.length;
  const matched = new Uint8Array(n);
  const match = lowerMatcher(glob);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const id = prepared.lower[i];
    if (match?.(id)) {
      matched[i] = 1;
      count++;
    } else if (ticked.has(id)) count++;
  }
  return { matched, count };
}

/** What the page sends: the glob plus only the ticked ids the glob does not match. */
export function subjectsToSend(prepared: PreparedIds, glob: string, ticked: ReadonlySet<string>): string[] {
  const g = glob.trim();
  const match = lowerMatcher(g);
  const out = g ? [g] : [];
  prepared.ids.forEach((id, i) => {
    const lower = prepared.lower[i];
    if (ticked.has(lower) && !match?.(lower)) out.push(id);
  });
  return out;
}
