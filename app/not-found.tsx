// nuget.org's 404 page, in its words.
import Link from "next/link";

export default function NotFound() {
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-light">Page not found</h1>
      <p>Oops, sorry: the page you were looking for could not be found. It may have moved, or the address may be mistyped.</p>
      <p>
        <Link href="/">Go to the home page</Link>
      </p>
    </div>
  );
}
