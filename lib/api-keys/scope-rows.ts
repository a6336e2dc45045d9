// A key's scope rows (one per action and subject, as nuget.org's Scope table) read back as the
// page shows them. Pure.
import { isGlob, type Action } from "./scopes";

const ACTION_ORDER: readonly string[] = ["package:push", "package:pushversion", "package:unlist", "package:verify"];

/** Actions in USER_ACTIONS order, no duplicates; subjects with the glob (if any) first, then exact ids A–Z. */
export function actionsAndSubjects(rows: readonly { action: string; subject: string }[]): { actions: Action[]; subjects: string[] } {
  const actions = [...new Set(rows.map((s) => s.action))].sort((a, b) => ACTION_ORDER.indexOf(a) - ACTION_ORDER.indexOf(b));
  const subjects = [...new Set(rows.map((s) => s.subject))].sort(
    (a, b) => Number(isGlob(b)) - Number(isGlob(a)) || a.toLowerCase().localeCompare(b.toLowerCase()),
  );
  return { actions: actions as Action[], subjects };
}
