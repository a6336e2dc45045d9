"use server";
// A key row's recorded uses, loaded when the row's Activity is expanded (not with the page).
// The key id arrives from the client: the data layer answers only for the session user's keys.
import { type ActionState, fail } from "@/lib/action-state";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { MESSAGES } from "@/lib/api-keys/rules";
import { listKeyActivity } from "@/lib/key-activity/store";
import { presentActivity, type ActivityView } from "@/lib/key-activity/present";

export async function keyActivityAction(keyId: unknown): Promise<ActionState<ActivityView[]>> {
  const user = await requireUser("/account/apikeys");
  const id = typeof keyId === "string" && keyId.length > 0 && keyId.length <= 64 ? keyId : null;
  const entries = id ? await listKeyActivity(db, user.id, id) : null;
  if (!entries) return fail(MESSAGES.keyNotFound);
  return { status: "ok", data: entries.map(presentActivity) };
}
