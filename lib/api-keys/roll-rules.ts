// Roll with overlap: the grace choices and the words, shared by the page and the data layer (roll.ts). Pure.

/** The grace choices offered: now, 1 hour, 24 hours, 7 days. */
export const GRACE_HOURS = [0, 1, 24, 168] as const;
export type GraceHours = (typeof GRACE_HOURS)[number];

export const GRACE_LABELS: Record<GraceHours, string> = {
  0: "Now (the old secret stops at once)",
  1: "1 hour",
  24: "24 hours",
  168: "7 days",
};

export const ROLL_MESSAGES = {
  notActive: "Only an active key can be rolled: this one has expired or been revoked. Regenerate it instead.",
  overlapRunning: (until: Date) =>
    `This key is already in an overlap: its previous secret works until ${until.toISOString().replace("T", " ").slice(0, 16)} UTC. ` +
    "Choose \u201cEnd overlap now\u201d first, then roll again.",
  badGrace: "Choose how long the old secret keeps working: now, 1 hour, 24 hours or 7 days.",
  noOverlap: "This key has no overlap running.",
} as const;

export function isGraceHours(value: unknown): value is GraceHours {
  return typeof value === "number" && (GRACE_HOURS as readonly number[]).includes(value);
}
