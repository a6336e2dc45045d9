"use server";
// Sign-in actions. Auth.js's signIn() redirects on success by throwing NEXT_REDIRECT, so only
// its AuthErrors are caught; everything else is rethrown.
import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { LockedSignIn, signIn, ThrottledSignIn } from "@/auth";
import { fail, fromZodError, type ActionState } from "@/lib/action-state";
import { enabledOAuthProviders } from "@/lib/accounts/oauth";
import { safeReturnUrl } from "@/lib/accounts/return-url";
import { INVALID_CREDENTIALS_MESSAGE, LOCKED_MESSAGE } from "@/lib/accounts/sign-in";
import { throttleMessage } from "@/lib/accounts/throttle";
import { formText, signInSchema } from "@/lib/accounts/validation";

export async function signInAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const login = formText(form, "login");
  // echoed back because React 19 resets the form; the password never is
  const kept = { login: login.slice(0, 256) };
  const parsed = signInSchema.safeParse({ login, password: formText(form, "password") });
  if (!parsed.success) return fromZodError(parsed.error, kept);
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeReturnUrl(formText(form, "returnUrl")) });
  } catch (e) {
    if (e instanceof ThrottledSignIn) return fail(throttleMessage(e.retryAfterMinutes), kept);
    if (e instanceof LockedSignIn) return fail(LOCKED_MESSAGE, kept);
    // never which of the two was wrong
    if (e instanceof AuthError) return fail(INVALID_CREDENTIALS_MESSAGE, kept);
    throw e;
  }
  return { status: "ok", data: undefined };
}

/** "Sign in with Microsoft" / GitHub: bound to the provider id, which is checked here again. */
export async function oauthSignInAction(provider: string, returnUrl: string): Promise<void> {
  const found = enabledOAuthProviders().find((p) => p.id === provider);
  if (!found) redirect("/users/account/LogOn");
  await signIn(found.id, { redirectTo: safeReturnUrl(returnUrl) });
}
