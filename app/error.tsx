"use client";
// Unexpected failures end here: a plain nuget-style page, never the error's text or stack.
import Link from "next/link";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-light">Something went wrong</h1>
      <p>An error occurred while processing your request. Please try again in a moment.</p>
      {error.digest && <p className="text-sm text-gray-600">Reference: {error.digest}</p>}
      <p className="flex gap-4">
        <button type="button" onClick={reset} className="bg-nuget-blue px-4 py-1.5 text-white">
          Try again
        </button>
        <Link href="/" className="self-center">
          Go to the home page
        </Link>
      </p>
    </div>
  );
}
