// The security overview (overview.ts) as the browser gets it: ids, names, counts and dates as
// text. Pure.
import dayjs from "dayjs";
import relativeTime from "dayjs/plugin/relativeTime";
import type { Overview } from "./overview";

dayjs.extend(relativeTime);

interface Ref {
  id: string;
  name: string;
}

export interface OverviewData {
  neverUsed: Ref[];
  /** lastUsed: "4 months ago" */
  idle: (Ref & { lastUsed: string })[];
  /** expires: "in 3 days" */
  expiringSoon: (Ref & { expires: string })[];
  /** pushed: how many of the matching ids were pushed with the key in 90 days */
  widerThanUse: (Ref & { glob: string; matching: number; pushed: number })[];
  pushNewUnused: Ref[];
  /** keys beyond the ones shown, per finding */
  more: Record<"neverUsed" | "idle" | "expiringSoon" | "widerThanUse" | "pushNewUnused", number>;
  active: number;
}

/** A compact panel: at most this many keys per finding, then "and N more". */
export const SHOWN_PER_FINDING = 5;

export function overviewData(o: Overview, now: Date): OverviewData {
  const ref = (k: Ref): Ref => ({ id: k.id, name: k.name });
  const few = <T>(xs: T[]) => xs.slice(0, SHOWN_PER_FINDING);
  return {
    neverUsed: few(o.neverUsed).map(ref),
    idle: few(o.idle).map((k) => ({ ...ref(k), lastUsed: dayjs(k.lastUsedAt).from(now) })),
    expiringSoon: few(o.expiringSoon).map((k) => ({ ...ref(k), expires: dayjs(k.expiresAt).from(now) })),
    widerThanUse: few(o.widerThanUse).map((k) => ({ ...ref(k), glob: k.glob, matching: k.matching, pushed: k.pushed.length })),
    pushNewUnused: few(o.pushNewUnused).map(ref),
    more: {
      neverUsed: Math.max(0, o.neverUsed.length - SHOWN_PER_FINDING),
      idle: Math.max(0, o.idle.length - SHOWN_PER_FINDING),
      expiringSoon: Math.max(0, o.expiringSoon.length - SHOWN_PER_FINDING),
      widerThanUse: Math.max(0, o.widerThanUse.length - SHOWN_PER_FINDING),
      pushNewUnused: Math.max(0, o.pushNewUnused.length - SHOWN_PER_FINDING),
    },
    active: o.active,
  };
}
