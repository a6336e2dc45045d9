"use server";
// MINIMAL sign-in for the API keys branch's e2e; the accounts engineer's version replaces it.
import { AuthError } from "next-auth";
import { signIn } from "@/auth";

export type SignInState = { error?: string; login?: string };

function safeReturnUrl(raw: FormDataEntryValue | null): string {
  const url = typeof raw === "string" ? raw : "";
  return url.startsWith("/") && !url.startsWith("//") ? url : "/";
}

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const login = String(form.get("login") ?? "");
  try {
    await signIn("credentials", { login, password: String(form.get("password") ?? ""), redirectTo: safeReturnUrl(form.get("returnUrl")) });
  } catch (e) {
    if (e instanceof AuthError) return { error: "The username/email or password is invalid.", login };
    throw e; // success is a NEXT_REDIRECT
  }
  return {};
}
