// How a key reads on the Manage list (page-api-keys.js): state, moment-style relative times,
// sorted scope descriptions, and the revoked/expired banners. Pure; runs on the server so
// dayjs never reaches the browser.
import dayjs from "dayjs";
import relativeTime from "dayjs/plugin/relativeTime";
import { ACTION_DESCRIPTIONS, isGlob, type Action } from "./scopes";
import { joinList } from "./rules";

dayjs.extend(relativeTime); // gives moment's wording: "in a year", "a few seconds ago"

type KeyState = "active" | "expired" | "revoked";

/** A key row as the browser gets it: strings only, no hash, no value. */
export interface KeyRowData {
  id: string;
  name: string;
  state: KeyState;
  /** "Expires in a year" | "Expired" | "Revoked" */
  statusText: string;
  scopesText: string;
  ownerUsername: string;
  glob: string | null;
  packageIds: string[];
  createdText: string;
  createdIso: string;
  /** "Never used" or "3 days ago" */
  lastUsedText: string;
  /** beyond nuget.org (#5872): the user no longer acts for the owner (left its organization) */
  ownerLost?: boolean;
  /** beyond nuget.org: this long-lived key pushed a package a Trusted Publishing policy covers (lib/trusted-publishing/hint.ts) */
  replaceableByTrustedPublishing?: boolean;
  /** set for a key revoked because it leaked (lib/leaks): who reported it, when, where it was found */
  leak: LeakNote | null;
  /** address limits (normalised CIDR ranges); [] = anywhere */
  allowedCidrs: string[];
  /** ranges seen in the key's recent use and not yet allowed (address-suggestions.ts) */
  addressSuggestions?: string[];
  /** a roll's overlap while it runs: the previous secret's end and last use */
  overlap: { untilText: string; untilIso: string; lastUsedText: string } | null;
}

export interface LeakNote {
  /** "GitHub" | "deps.dev" | "a leak report" | "a package push" */
  reportedBy: string;
  dateText: string;
  dateIso: string;
  /** where it was found: an http(s) URL shown as a link, else text (a pushed file); null when not given */
  where: string | null;
  whereIsUrl: boolean;
}

interface PresentableKey {
  id: string;
  name: string;
  ownerUsername: string;
  actions: Action[];
  subjects: string[];
  expiresAt: Date;
  createdAt: Date;
  revokedAt: Date | null;
  revocationSource?: string | null;
  revocationUrl?: string | null;
  lastUsedAt: Date | null;
  allowedCidrs?: string[];
  previousValidUntil?: Date | null;
  previousLastUsedAt?: Date | null;
}

const LEAK_SOURCES: Record<string, string> = { GitHub: "GitHub", "deps.dev": "deps.dev", Report: "a leak report", Push: "a package push" };

function leakNote(key: PresentableKey): LeakNote | null {
  const reportedBy = key.revokedAt && key.revocationSource ? LEAK_SOURCES[key.revocationSource] : undefined;
  if (!reportedBy || !key.revokedAt) return null;
  const where = key.revocationUrl || null;
  return {
    reportedBy,
    dateText: dayjs(key.revokedAt).format("MMM D, YYYY"),
    dateIso: key.revokedAt.toISOString(),
    where,
    whereIsUrl: !!where && /^https?:\/\//i.test(where),
  };
}

/** nuget.org: HasExpired = now ≥ expires; a revoked key is shown as revoked, not expired. */
export function keyState(key: Pick<PresentableKey, "expiresAt" | "revokedAt">, now: Date): KeyState {
  if (key.revokedAt) return "revoked";
  return now.getTime() >= key.expiresAt.getTime() ? "expired" : "active";
}

export function presentKey(key: PresentableKey, now: Date): KeyRowData {
  const state = keyState(key, now);
  const n = dayjs(now);
  return {
    id: key.id,
    name: key.name,
    state,
    statusText: state === "revoked" ? "Revoked" : state === "expired" ? "Expired" : `Expires ${dayjs(key.expiresAt).from(n)}`,
    scopesText: key.actions
      .map((a) => ACTION_DESCRIPTIONS[a] ?? a)
      .sort((a, b) => a.localeCompare(b))
      .join(", "),
    ownerUsername: key.ownerUsername,
    glob: key.subjects.find(isGlob) ?? null,
    packageIds: key.subjects.filter((s) => !isGlob(s)),
    createdText: dayjs(key.createdAt).format("MMM D, YYYY"),
    createdIso: key.createdAt.toISOString(),
    lastUsedText: key.lastUsedAt ? dayjs(key.lastUsedAt).from(n) : "Never used",
    leak: leakNote(key),
    allowedCidrs: key.allowedCidrs ?? [],
    overlap:
      state === "active" && key.previousValidUntil && now.getTime() < key.previousValidUntil.getTime()
        ? {
            untilText: `${dayjs(key.previousValidUntil).from(n)} (${key.previousValidUntil.toISOString().replace("T", " ").slice(0, 16)} UTC)`,
            untilIso: key.previousValidUntil.toISOString(),
            lastUsedText: key.previousLastUsedAt ? dayjs(key.previousLastUsedAt).from(n) : "never",
          }
        : null,
  };
}

function quoted(names: string[]): string {
  return joinList(
    names.map((n) => `'${n}'`),
    "and",
  );
}

/** nuget.org's revoked banner, singular or plural, names joined with an Oxford comma. */
export function revokedBanner(names: string[], galleryOwner: string): string | null {
  if (names.length === 0) return null;
  const many = names.length > 1;
  return (
    `Your API ${many ? "keys" : "key"} ${quoted(names)} ${many ? "have" : "has"} been revoked. ` +
    `Please check the email from ${galleryOwner} for details, and regenerate or create ${many ? "new API keys" : "a new API key"} to use.`
  );
}

export function expiredBanner(names: string[]): string | null {
  if (names.length === 0) return null;
  const many = names.length > 1;
  return `Your API ${many ? "keys" : "key"} ${quoted(names)} ${many ? "have" : "has"} expired.`;
}
