"use client";
// Unexpected failures while rendering the page: a plain message, never the error's text.
export default function ApiKeysError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 p-4">
      <p>An error occurred while loading your API keys. Please try again.</p>
      <button type="button" onClick={reset} className="mt-2 text-nuget-link hover:underline">
        Try again
      </button>
    </div>
  );
}
