// The second of the three checks (proxy → requireUser → owner-scoped where): every page and
// every server action under /account calls requireUser() itself.
import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { auth } from "@/auth";
import type { SessionUser } from "@/lib/accounts/users";

/** The signed-in user: auth.ts's jwt callback has just checked the session's row (findSessionUser). */
export const getOptionalUser = cache(async (): Promise<SessionUser | null> => (await auth())?.signedIn ?? null);

/** The signed-in user, or a redirect to sign-in that comes back to `returnUrl`. */
export async function requireUser(returnUrl = "/account"): Promise<SessionUser> {
  const user = await getOptionalUser();
  if (!user) redirect(`/users/account/LogOn?returnUrl=${encodeURIComponent(returnUrl)}`);
  return user;
}
