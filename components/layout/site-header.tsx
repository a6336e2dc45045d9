// The dark blue top bar of nuget.org: logo, the main nav, Sign in or the user menu.
import Link from "next/link";
import { getOptionalUser } from "@/lib/session";
import { isSiteAdmin } from "@/lib/admin/site-admins";
import { env } from "@/lib/env";
import { NugetLogo } from "./nuget-logo";
import { NAV, isExternal } from "./nav";
import { UserMenu } from "./user-menu";


export async function SiteHeader() {
  const user = await getOptionalUser();
  return (
    <header className="bg-nuget-bar text-white">
      <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2">
        <Link href="/" className="flex items-center gap-2 text-xl font-semibold text-white hover:no-underline">
          <NugetLogo className="h-7 w-7 text-white" />
          <span>nuget</span>
        </Link>
        <ul className="order-3 flex w-full flex-wrap gap-x-5 gap-y-1 text-[15px] sm:order-none sm:w-auto">
          {NAV.map((item) => (
            <li key={item.href}>
              {isExternal(item.href) ? (
                <a href={item.href} className="text-white/90 hover:text-white">
                  {item.label}
                </a>
              ) : (
                <Link href={item.href} className="text-white/90 hover:text-white">
                  {item.label}
                </Link>
              )}
            </li>
          ))}
        </ul>
        <div className="ml-auto">
          {user ? (
            <UserMenu
              username={user.username}
              siteAdmin={isSiteAdmin(user.username)}
              apiKeysNotRecommended={env().API_KEYS_REDIRECT_TO_TRUSTED_PUBLISHING}
            />
          ) : (
            <Link href="/users/account/LogOn" className="text-white hover:text-white">
              Sign in
            </Link>
          )}
        </div>
      </nav>
    </header>
  );
}
