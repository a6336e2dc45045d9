// Scope and glob rules of nuget.org (ScopeExtensions.AllowsSubject, page-api-keys.js). Pure.

export const ACTIONS = {
  push: "package:push",
  pushVersion: "package:pushversion",
  unlist: "package:unlist",
  verify: "package:verify",
} as const;
export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];

/** The actions a user may put on a key from the page (verify keys are made by the API only). */
export const USER_ACTIONS: readonly Action[] = [ACTIONS.push, ACTIONS.pushVersion, ACTIONS.unlist];

/** nuget.org's scope descriptions, as shown on a key row. */
export const ACTION_DESCRIPTIONS: Record<Action, string> = {
  "package:push": "Push new packages and package versions",
  "package:pushversion": "Push only new package versions",
  "package:unlist": "Unlist or relist package versions",
  "package:verify": "Verify package ownership",
};

/** nuget.org's client rule `^[*\w_.-]*$` (ASCII letters, digits, `_ . - *`). */
const SUBJECT_PATTERN = /^[*A-Za-z0-9_.-]*$/;

export function isValidGlob(pattern: string): boolean {
  return SUBJECT_PATTERN.test(pattern);
}

export function isGlob(subject: string): boolean {
  return subject.includes("*");
}

/**
 * A glob over lower-cased ids, in linear time: the first part is a prefix, the last a suffix,
 * the parts between are found left to right (taking each at its earliest place is always
 * right for `*`-only globs). Not a RegExp: `.*` repeated backtracks exponentially, and a glob
 * like `*a*a*a*a*a*a*a*b` against a long id froze the server for minutes (ReDoS).
 */
export function lowerGlobMatcher(lowerGlob: string): (lowerId: string) => boolean {
  const parts = lowerGlob.split("*");
  if (parts.length === 1) return (id) => id === lowerGlob;
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  const minLength = parts.reduce((n, p) => n + p.length, 0);
  return (id) => {
    if (id.length < minLength || !id.startsWith(first) || !id.endsWith(last)) return false;
    let at = first.length;
    const end = id.length - last.length;
    for (const part of middle) {
      const i = id.indexOf(part, at);
      if (i < 0 || i + part.length > end) return false;
      at = i + part.length;
    }
    return true;
  };
}

/**
 * A subject as a matcher: `*` = any run of characters (also none), everything else literal,
 * anchored at both ends, case-insensitive. `?` is literal, as on nuget.org.
 */
export function subjectMatcher(subject: string): (packageId: string) => boolean {
  const match = lowerGlobMatcher(subject.toLowerCase());
  return (id) => match(id.toLowerCase());
}

export function subjectAllows(subject: string, packageId: string): boolean {
  return subjectMatcher(subject)(packageId);
}
