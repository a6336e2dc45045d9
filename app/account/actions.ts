"use server";
// Account Settings actions. Each one re-checks the session and acts on the session user only.
import { headers } from "next/headers";
import { signOut } from "@/auth";
import { revalidatePath } from "next/cache";
import { fail, fromZodError, type ActionState } from "@/lib/action-state";
import { mailConfirmationLink } from "@/lib/accounts/confirmation";
import { resendAllowed } from "@/lib/accounts/email-tokens";
import { appOrigin } from "@/lib/request-context";
import { changePassword } from "@/lib/accounts/settings";
import { endOtherSessions } from "@/lib/accounts/users";
import { clientIp } from "@/lib/request-context";
import { changePasswordSchema, formText } from "@/lib/accounts/validation";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function changePasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account");
  const parsed = changePasswordSchema.safeParse({
    currentPassword: formText(form, "currentPassword"),
    newPassword: formText(form, "newPassword"),
    confirmPassword: formText(form, "confirmPassword"),
  });
  if (!parsed.success) return fromZodError(parsed.error);
  const ip = clientIp(await headers());
  const result = await changePassword(db, user.id, parsed.data.currentPassword, parsed.data.newPassword, ip);
  if (!result.ok) return { status: "error", fieldErrors: { [result.field]: [result.message] } };
  // every session signed in with the old password has ended, this one too: sign in again
  // (signOut redirects to the sign-in page, which says why; it never returns)
  return signOut({ redirectTo: "/users/account/LogOn?passwordChanged=1" });
}

export async function resendConfirmationAction(_prev: ActionState): Promise<ActionState> {
  const user = await requireUser("/account");
  const allowed = await resendAllowed(db, user.id);
  if (!allowed.ok) {
    return fail(allowed.reason === "confirmed" ? "Your email address is already confirmed." : "A confirmation mail was sent less than a minute ago. Please check your inbox, or try again in a minute.");
  }
  await mailConfirmationLink(db, user, appOrigin(await headers()), "resend");
  revalidatePath("/account");
  return { status: "ok", data: undefined, message: `A confirmation mail has been sent to ${user.email}.` };
}

export async function signOutOtherSessionsAction(_prev: ActionState): Promise<ActionState> {
  const user = await requireUser("/account");
  const ended = await endOtherSessions(db, user.id, user.sessionId, clientIp(await headers()));
  revalidatePath("/account");
  return { status: "ok", data: undefined, message: ended === 1 ? "You have been signed out of 1 other session." : `You have been signed out of ${ended} other sessions.` };
}
