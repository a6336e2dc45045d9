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
  active: number;
}

export function overviewData(o: Overview, now: Date): OverviewData {
  const ref = (k: Ref): Ref => ({ id: k.id, name: k.name });
  return {
    neverUsed: o.neverUsed.map(ref),
    idle: o.idle.map((k) => ({ ...ref(k), lastUsed: dayjs(k.lastUsedAt).from(now) })),
    expiringSoon: o.expiringSoon.map((k) => ({ ...ref(k), expires: dayjs(k.expiresAt).from(now) })),
    widerThanUse: o.widerThanUse.map((k) => ({ ...ref(k), glob: k.glob, matching: k.matching, pushed: k.pushed.length })),
    pushNewUnused: o.pushNewUnused.map(ref),
    active: o.active,
  };
}
