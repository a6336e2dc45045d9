// MINIMAL sign-in page for the API keys branch's e2e; the accounts engineer's version replaces it.
import { SignInForm } from "./sign-in-form";

export default async function LogOnPage({ searchParams }: { searchParams: Promise<{ returnUrl?: string }> }) {
  const { returnUrl } = await searchParams;
  return (
    <div className="max-w-sm">
      <h1 className="mb-4 text-3xl font-light">Sign in</h1>
      <SignInForm returnUrl={typeof returnUrl === "string" ? returnUrl : "/"} />
    </div>
  );
}
