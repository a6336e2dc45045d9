// "Previous" / "Next" links of a paged list, nuget.org's pager; absent links are plain text.
import Link from "next/link";

export function Pager({ page, pageCount, href, label }: { page: number; pageCount: number; href: (page: number) => string; label: string }) {
  if (pageCount <= 1) return null;
  return (
    <nav aria-label={label} className="mt-4 flex items-center gap-4">
      {page > 1 ? (
        <Link href={href(page - 1)} className="text-nuget-link underline">
          Previous
        </Link>
      ) : (
        <span className="text-gray-600">Previous</span>
      )}
      <span>
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link href={href(page + 1)} className="text-nuget-link underline">
          Next
        </Link>
      ) : (
        <span className="text-gray-600">Next</span>
      )}
    </nav>
  );
}
