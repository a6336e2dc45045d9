// Registration, at nuget.org's path. A confirmation link is mailed; the user is signed in at once.
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { returnUrlFrom, type Search } from "@/lib/accounts/return-url";
import { getOptionalUser } from "@/lib/session";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Register" };

export default async function RegisterPage({ searchParams }: { searchParams: Promise<Search> }) {
  const returnUrl = returnUrlFrom(await searchParams);
  if (await getOptionalUser()) redirect(returnUrl ?? "/account");
  const signInHref = `/users/account/LogOn${returnUrl ? `?returnUrl=${encodeURIComponent(returnUrl)}` : ""}`;
  return (
    <div className="max-w-xl space-y-6">
      <h1 className="text-3xl font-light">Register</h1>
      <p>
        Already have an account? <Link href={signInHref}>Sign in</Link>.
      </p>
      <RegisterForm returnUrl={returnUrl ?? ""} />
    </div>
  );
}
