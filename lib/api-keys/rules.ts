// nuget.org's create/edit rules and messages for API keys (UsersController, page-api-keys.js).
// Pure, so the browser, the zod schema and the data layer apply exactly the same ones.
import { ACTIONS, USER_ACTIONS, isGlob, isValidGlob, subjectMatcher, type Action } from "./scopes";

/** The database column and nuget.org's Credential.Description are 256 characters. */
export const NAME_MAX = 256;

export const MESSAGES = {
  nameRequired: "The key name is required.",
  nameBlankServer: "Can't generate an API key without a description.",
  nameTooLong: `The key name must be at most ${NAME_MAX} characters.`,
  ownerRequired: "A package owner must be selected.",
  ownerBlankServer: "You must specify a package owner to generate an API key.",
  ownerNotAllowed: "The current user does not have permission to create an ApiKey with the specified owner or scopes.",
  userLocked: "Your user account is locked. Please contact support@nuget.org.",
  scopeRequired: "At least one scope must be selected.",
  scopeUnknown: "The current user does not have permission to create an ApiKey with the specified owner or scopes.",
  scopeBothPush: "Choose either 'Push new packages and package versions' or 'Push only new package versions', not both.",
  subjectsRequired: "Either a glob pattern must be specified or at least one package ID must be selected.",
  globInvalid: "Invalid glob pattern. See the example glob patterns below for further details.",
  globTooMany: "A key can have at most one glob pattern.",
  packageNotOwned: "The selected package owner does not own one or more of the selected packages.",
  keyNotFound: "Credential not found.",
} as const;

const DEFAULT_EXPIRY_DAYS = [1, 90, 180, 270, 365] as const;

interface ExpiryOptions {
  days: number[];
  /** the option pre-selected on the form and used when a request names none: the largest */
  defaultDays: number;
  /**
   * false for nuget.org's classic set, where a request above the maximum is clamped to it
   * (Gallery.ExpirationInDaysForApiKeyV1); true for a configured set such as "1,8,30"
   * (nuget.org's RestrictApiKeyExpiration flag), where any other value is refused.
   */
  strict: boolean;
}

/**
 * API_KEY_EXPIRY_DAYS as lib/env.ts reads it (sorted, distinct: [1, 8, 30]) → those options;
 * unset → nuget.org's 1/90/180/270/365. Takes the setting rather than reading it: client code
 * uses these rules, and the env reader stays on the server.
 */
export function expiryOptions(configured: readonly number[] | undefined): ExpiryOptions {
  if (!configured?.length) return { days: [...DEFAULT_EXPIRY_DAYS], defaultDays: 365, strict: false };
  return { days: [...configured], defaultDays: configured[configured.length - 1], strict: true };
}

export function expiryLabel(days: number): string {
  return days === 1 ? "1 day" : `${days} days`;
}

/** "a", "a or b", "a, b, or c" (nuget.org's restriction message uses the Oxford comma). */
export function joinList(items: readonly string[], conjunction: "and" | "or"): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} ${conjunction} ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, ${conjunction} ${items[items.length - 1]}`;
}

function expiryMessage(options: ExpiryOptions): string {
  return `API key expiration must be ${joinList(options.days.map(String), "or")} days.`;
}

/** The create and edit forms' inputs, as the page names them. */
export type KeyField = "name" | "expiresInDays" | "owner" | "actions" | "subjects";

/**
 * An expected failure: nuget.org's message and the field it shows under (null: the form's own
 * error area). The field is set where the error is made, because the text cannot tell:
 * scopeUnknown and ownerNotAllowed are the same sentence.
 */
export type Refusal = { ok: false; error: string; field: KeyField | null };

type Checked<T> = { ok: true; value: T } | Refusal;

/**
 * nuget.org: missing or non-positive = the maximum; above the maximum = the maximum. Then the
 * value must be one of the offered options (our rule: the page offers no other).
 */
export function resolveExpiry(requested: number | null | undefined, options: ExpiryOptions): Checked<number> {
  if (requested == null || !Number.isFinite(requested) || requested <= 0) return { ok: true, value: options.defaultDays };
  const max = options.days[options.days.length - 1];
  const days = !options.strict && requested > max ? max : requested;
  return options.days.includes(days) ? { ok: true, value: days } : { ok: false, error: expiryMessage(options), field: "expiresInDays" };
}

export function checkName(raw: string | null | undefined): Checked<string> {
  const name = (raw ?? "").trim();
  if (!name) return { ok: false, error: MESSAGES.nameBlankServer, field: "name" };
  if (name.length > NAME_MAX) return { ok: false, error: MESSAGES.nameTooLong, field: "name" };
  return { ok: true, value: name };
}

/** Exactly the page's choices: push or push-version (never both), and/or unlist. */
export function checkActions(raw: readonly string[]): Checked<Action[]> {
  if (raw.length === 0) return { ok: false, error: MESSAGES.scopeRequired, field: "actions" };
  const set = new Set<string>(raw);
  for (const a of set) if (!(USER_ACTIONS as readonly string[]).includes(a)) return { ok: false, error: MESSAGES.scopeUnknown, field: "actions" };
  if (set.has(ACTIONS.push) && set.has(ACTIONS.pushVersion)) return { ok: false, error: MESSAGES.scopeBothPush, field: "actions" };
  return { ok: true, value: USER_ACTIONS.filter((a) => set.has(a)) };
}

export interface Subjects {
  glob: string | null;
  /** exact ids the glob does not already cover, first-seen casing, no duplicates (case-insensitive) */
  ids: string[];
}

/**
 * One glob at most plus any exact ids; nothing empty; only nuget.org's glob characters (an
 * exact id is a glob without `*`, so the same rule). Ids the glob already matches are
 * dropped, as the page does before sending.
 */
export function checkSubjects(raw: readonly string[]): Checked<Subjects> {
  const subjects = raw.map((s) => s.trim()).filter(Boolean);
  if (subjects.length === 0) return { ok: false, error: MESSAGES.subjectsRequired, field: "subjects" };
  if (subjects.some((s) => !isValidGlob(s))) return { ok: false, error: MESSAGES.globInvalid, field: "subjects" };
  const globs = [...new Set(subjects.filter(isGlob))];
  if (globs.length > 1) return { ok: false, error: MESSAGES.globTooMany, field: "subjects" };
  const glob = globs[0] ?? null;
  const matches = glob ? subjectMatcher(glob) : () => false;
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const s of subjects) {
    if (isGlob(s) || matches(s) || seen.has(s.toLowerCase())) continue;
    seen.add(s.toLowerCase());
    ids.push(s);
  }
  return { ok: true, value: { glob, ids } };
}
