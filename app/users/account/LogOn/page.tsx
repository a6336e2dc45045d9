// nuget.org's sign-in page (its path, /users/account/LogOn): external providers when configured,
// the password form, and the way to registration.
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { enabledOAuthProviders, OAUTH_ERROR_MESSAGES } from "@/lib/accounts/oauth";
import { returnUrlFrom, type Search } from "@/lib/accounts/return-url";
import { getOptionalUser } from "@/lib/session";
import { db } from "@/lib/db";
import { signInNotice } from "@/lib/organizations/transform";
import { oauthSignInAction } from "./actions";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign In" };

export default async function LogOnPage({ searchParams }: { searchParams: Promise<Search> }) {
  const q = await searchParams;
  const returnUrl = returnUrlFrom(q);
  if (await getOptionalUser()) redirect(returnUrl ?? "/");
  const providers = enabledOAuthProviders();
  const registerHref = `/users/account/Register${returnUrl ? `?returnUrl=${encodeURIComponent(returnUrl)}` : ""}`;
  const reason = typeof q.reason === "string" ? q.reason : "";
  // after a transform request: shown only when the link's signature matches the pending request
  const transformNotice = await signInNotice(db, q.transform, q.sig);
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-light">Sign in</h1>
      {q.passwordChanged && (
        <div role="status" className="border-l-4 border-green-700 bg-green-50 px-3 py-2 text-green-900">
          Your password has been changed, and every session signed in with the old one has ended. Sign in with your new password.
        </div>
      )}
      {transformNotice && (
        <div role="status" className="border-l-4 border-nuget-blue bg-blue-50 px-3 py-2">
          {transformNotice}
        </div>
      )}
      {q.error && (
        <div role="alert" className="border-l-4 border-red-700 bg-red-50 px-3 py-2 text-red-800">
          {(Object.hasOwn(OAUTH_ERROR_MESSAGES, reason) && OAUTH_ERROR_MESSAGES[reason]) || "We could not sign you in with that account. Please try again."}
        </div>
      )}
      <div className="grid gap-10 md:grid-cols-2">
        <section aria-labelledby="signin-heading" className="space-y-4">
          <h2 id="signin-heading" className="text-xl font-light">
            Sign in to NuGet Gallery
          </h2>
          {providers.length > 0 && (
            <div className="space-y-2">
              {providers.map((p) => (
                <form key={p.id} action={oauthSignInAction.bind(null, p.id, returnUrl ?? "/")}>
                  <button type="submit" className="w-full max-w-md border border-gray-400 bg-white px-4 py-2 text-left hover:bg-gray-100">
                    {p.label}
                  </button>
                </form>
              ))}
              <p className="text-sm text-gray-600">or with your NuGet Gallery account:</p>
            </div>
          )}
          <SignInForm returnUrl={returnUrl ?? ""} />
        </section>
        <section aria-labelledby="register-heading" className="space-y-3 bg-nuget-panel p-5">
          <h2 id="register-heading" className="text-xl font-light">
            Don&apos;t have an account yet?
          </h2>
          <p>Register to create API keys and push packages with them.</p>
          <p>
            <Link href={registerHref}>Register now</Link>
          </p>
        </section>
      </div>
    </div>
  );
}
