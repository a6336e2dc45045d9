"use server";
// Registration: create the account, mail the confirmation link, sign the new user in.
import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signIn } from "@/auth";
import { fromZodError, type ActionState } from "@/lib/action-state";
import { mailConfirmationLink } from "@/lib/accounts/confirmation";
import { appOrigin } from "@/lib/request-context";
import { registerUser } from "@/lib/accounts/registration";
import { safeReturnUrl } from "@/lib/accounts/return-url";
import { clientIp } from "@/lib/request-context";
import { formText, registerSchema } from "@/lib/accounts/validation";
import { db } from "@/lib/db";
import { logError } from "@/lib/log";

export async function registerAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = { username: formText(form, "username"), email: formText(form, "email"), password: formText(form, "password") };
  const kept = { username: values.username.slice(0, 256), email: values.email.slice(0, 256) };
  const parsed = registerSchema.safeParse(values);
  if (!parsed.success) return fromZodError(parsed.error, kept);
  const h = await headers();
  const result = await registerUser(db, parsed.data, clientIp(h));
  if (!result.ok) return { status: "error", fieldErrors: result.fieldErrors, values: kept };
  try {
    await mailConfirmationLink(db, result.user, appOrigin(h), "new-account");
  } catch (e) {
    // the account exists either way; "resend" on Account Settings tries again
    logError("[register] confirmation mail failed", e);
  }
  const returnUrl = safeReturnUrl(formText(form, "returnUrl"), "/account");
  try {
    await signIn("credentials", { login: parsed.data.username, password: parsed.data.password, redirectTo: returnUrl });
  } catch (e) {
    // e.g. this address is throttled: the account is there, sign in later
    if (e instanceof AuthError) redirect(`/users/account/LogOn?returnUrl=${encodeURIComponent(returnUrl)}`);
    throw e;
  }
  return { status: "ok", data: undefined };
}
