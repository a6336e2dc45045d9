"use server";
// The organization settings page's actions (nuget.org's ChangeEmail, CancelChangeEmail,
// ChangeEmailSubscription, ConfirmationRequired POST, RequestAccountDeletion) and the members
// section's "Resend". Each re-checks the session user; the data layer re-checks that they
// administer the organization named (403 "User is not authorized" otherwise).
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { fail, type ActionState } from "@/lib/action-state";
import { formText } from "@/lib/accounts/validation";
import { db } from "@/lib/db";
import { logError } from "@/lib/log";
import { appOrigin, clientIp } from "@/lib/request-context";
import { requireUser } from "@/lib/session";
import { deleteOrganization, DELETE_MESSAGES } from "@/lib/organizations/deletion";
import { resendInvitation } from "@/lib/organizations/store";
import {
  cancelOrganizationEmailChange,
  changeOrganizationEmail,
  changeOrganizationNotifications,
  resendOrganizationConfirmation,
  SETTINGS_MESSAGES,
} from "@/lib/organizations/settings";

const text = (v: unknown) => (typeof v === "string" ? v.slice(0, 256) : "");
const orgPath = (name: string) => `/organization/${encodeURIComponent(name)}`;

export async function changeOrganizationEmailAction(orgName: unknown, _prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await changeOrganizationEmail(db, user.id, text(orgName), formText(form, "newEmail"), appOrigin(await headers()));
  if (!result.ok) return result.field ? { status: "error", fieldErrors: { [result.field]: [result.error] }, values: { newEmail: formText(form, "newEmail") } } : fail(result.error);
  revalidatePath(orgPath(text(orgName)));
  return { status: "ok", data: undefined, message: result.message };
}

export async function cancelOrganizationEmailChangeAction(orgName: unknown, _prev: ActionState): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await cancelOrganizationEmailChange(db, user.id, text(orgName));
  if (!result.ok) return fail(result.error);
  revalidatePath(orgPath(text(orgName)));
  return { status: "ok", data: undefined, message: result.changed ? SETTINGS_MESSAGES.emailChangeCancelled : undefined };
}

export async function changeOrganizationNotificationsAction(orgName: unknown, _prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await changeOrganizationNotifications(db, user.id, text(orgName), {
    emailAllowed: form.get("emailAllowed") === "true",
    notifyPackagePushed: form.get("notifyPackagePushed") === "true",
  });
  if (!result.ok) return fail(result.error);
  revalidatePath(orgPath(text(orgName)));
  return { status: "ok", data: undefined, message: SETTINGS_MESSAGES.preferencesUpdated };
}

export async function resendOrganizationConfirmationAction(orgName: unknown, _prev: ActionState): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await resendOrganizationConfirmation(db, user.id, text(orgName), appOrigin(await headers()));
  if (!result.ok) return fail(result.error);
  return { status: "ok", data: undefined, message: result.sent ? "sent" : undefined };
}

export async function resendInvitationAction(orgName: unknown, memberName: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await resendInvitation(db, user.id, text(orgName), text(memberName), appOrigin(await headers()));
  if (!result.ok) return fail(result.error);
  revalidatePath(orgPath(text(orgName)));
  return { status: "ok", data: undefined, message: result.message };
}

export async function deleteOrganizationAction(orgName: unknown, _prev: ActionState): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const name = text(orgName);
  let result;
  try {
    result = await deleteOrganization(db, user.id, name, clientIp(await headers()));
  } catch (e) {
    // nuget.org's answer to an unexpected failure; the cause goes to the log only
    logError("[organizations] delete failed", e);
    return fail(DELETE_MESSAGES.failed(name));
  }
  // nuget.org answers 404 to anyone who may not delete it
  if (!result.ok && result.status === 404) return fail("The page you are looking for does not exist.");
  if (!result.ok) return fail(result.error);
  redirect(`/account/Organizations?deleted=${encodeURIComponent(result.organization)}`);
}
