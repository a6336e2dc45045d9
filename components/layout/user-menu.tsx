"use client";
// The signed-in user's menu, in nuget.org's order. Items whose pages do not exist yet are
// shown disabled, never as broken links. Keyboard: Enter/Space opens, Escape closes.
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { signOutAction } from "@/app/users/account/actions";

export const MENU_ITEMS: { label: string; href: string | null }[] = [
  /** "{username}" is the signed-in user's name */
  { label: "View Profile", href: "/profiles/{username}" },
  { label: "Account Settings", href: "/account" },
  { label: "Trusted Publishing", href: "/account/trustedpublishing" },
  { label: "API Keys", href: "/account/apikeys" },
  { label: "Manage Organizations", href: "/account/Organizations" },
  { label: "Manage Packages", href: "/account/Packages" },
  { label: "Upload Package", href: "/packages/manage/upload" },
];

/** Only for site administrators (SITE_ADMINS), last before Sign Out. */
export const ADMIN_ITEM = { label: "Admin", href: "/admin/ReservedNamespaces" };

/**
 * `apiKeysNotRecommended`: nuget.org's orange "Not recommended" badge on API Keys, shown when
 * API_KEYS_REDIRECT_TO_TRUSTED_PUBLISHING is on.
 */
export function UserMenu({ username, siteAdmin = false, apiKeysNotRecommended = false }: { username: string; siteAdmin?: boolean; apiKeysNotRecommended?: boolean }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        className="flex items-center gap-1 text-white"
      >
        {username} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <ul role="menu" aria-label="User menu" className="absolute right-0 z-20 mt-2 w-56 rounded border border-gray-200 bg-white py-1 text-[15px] text-gray-900 shadow-lg">
          {(siteAdmin ? [...MENU_ITEMS, ADMIN_ITEM] : MENU_ITEMS).map((item) => (
            <li key={item.label} role="none">
              {item.href ? (
                <Link role="menuitem" href={item.href.replace("{username}", encodeURIComponent(username))} onClick={() => setOpen(false)} className="block px-4 py-1.5 text-gray-900 hover:bg-gray-100 hover:no-underline">
                  {item.label}
                  {apiKeysNotRecommended && item.href === "/account/apikeys" ? (
                    <span data-testid="not-recommended" className="ml-2 rounded bg-[#8a3b00] px-1.5 py-px text-xs font-semibold text-white">
                      Not recommended
                    </span>
                  ) : null}
                </Link>
              ) : (
                <span role="menuitem" aria-disabled="true" title="Not part of this site yet" className="block cursor-not-allowed px-4 py-1.5 text-gray-400">
                  {item.label}
                </span>
              )}
            </li>
          ))}
          <li role="none" className="border-t border-gray-200">
            <form action={signOutAction}>
              <button role="menuitem" type="submit" className="block w-full px-4 py-1.5 text-left hover:bg-gray-100">
                Sign Out
              </button>
            </form>
          </li>
        </ul>
      )}
    </div>
  );
}
