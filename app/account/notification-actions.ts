"use server";
// Account Settings' "Email Notifications" (nuget.org's ChangeEmailSubscription): the session user's own row only.
import { revalidatePath } from "next/cache";
import { fail, type ActionState } from "@/lib/action-state";
import { changeNotificationSettings } from "@/lib/accounts/notifications";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function changeNotificationsAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account");
  const saved = await changeNotificationSettings(db, user.id, {
    emailAllowed: form.get("emailAllowed") === "true",
    notifyPackagePushed: form.get("notifyPackagePushed") === "true",
  });
  if (!saved) return fail("User is not authorized");
  revalidatePath("/account");
  return { status: "ok", data: undefined, message: "Your email preferences have been updated." };
}
