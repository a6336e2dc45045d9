"use client";
// When the root layout itself fails (error.tsx sits inside it): the same plain page, no internals.
import "./globals.css";

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <main className="mx-auto max-w-2xl space-y-4 px-4 py-6">
          <h1 className="text-3xl font-light">Something went wrong</h1>
          <p>An error occurred while processing your request. Please try again in a moment.</p>
          {error.digest && <p className="text-sm text-gray-600">Reference: {error.digest}</p>}
          <button type="button" onClick={reset} className="bg-nuget-blue px-4 py-1.5 text-white">
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
