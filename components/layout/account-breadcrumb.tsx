import Link from "next/link";

/** nuget.org's account page heading: the user's avatar and name, then the page's title. */
export function AccountBreadcrumb({ username, title, children }: { username: string; title: string; children?: React.ReactNode }) {
  return (
    <nav aria-label="Breadcrumb" className="mb-4 flex flex-wrap items-center gap-2 text-2xl font-light">
      <span aria-hidden="true" className="inline-flex h-8 w-8 items-center justify-center rounded bg-nuget-bar text-base text-white">
        {username.slice(0, 1).toUpperCase()}
      </span>
      <span>{username}</span>
      <span aria-hidden="true">›</span>
      <h1 className="text-2xl font-light" aria-current="page">
        {title}
      </h1>
      {children}
    </nav>
  );
}

/** The heading's "| + Add new" link (Manage Packages, Manage Organizations). */
export function AddNewLink({ href }: { href: string }) {
  return (
    <>
      <span aria-hidden="true" className="text-gray-400">
        |
      </span>
      <Link href={href} className="text-base">
        + Add new
      </Link>
    </>
  );
}
