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
 * A subject as a matcher: `*` = any run of characters (also none), everything else literal,
 * anchored at both ends, case-insensitive. `?` is literal, as on nuget.org.
 */
export function subjectMatcher(subject: string): (packageId: string) => boolean {
  if (!isGlob(subject)) {
    const exact = subject.toLowerCase();
    return (id) => id.toLowerCase() === exact;
  }
  const source = subject
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const re = new RegExp(`^${source}$`, "i");
  return (id) => re.test(id);
}

export function subjectAllows(subject: string, packageId: string): boolean {
  return subjectMatcher(subject)(packageId);
}
