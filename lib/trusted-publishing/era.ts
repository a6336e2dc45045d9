// The era switch (spec nuget-api-keys.md "Read first"): with API_KEYS_REDIRECT_TO_TRUSTED_PUBLISHING
// on, a plain GET of /account/apikeys goes to Trusted Publishing first (nuget.org since May 2026);
// ?forceApiKeys=true stays. Pure: the page asks it, the tests ask it directly.

export const TRUSTED_PUBLISHING_PATH = "/account/trustedpublishing";
export const FROM_API_KEYS_PATH = `${TRUSTED_PUBLISHING_PATH}?fromApiKeys=true`;
export const FORCE_API_KEYS_PATH = "/account/apikeys?forceApiKeys=true";

/**
 * Where a GET of the API Keys page goes instead, or null to show it. `narrow` is the page's own
 * security-overview link (the user is already on the page): it stays too.
 */
export function apiKeysRedirect(redirectOn: boolean, query: Record<string, string | string[] | undefined>): string | null {
  if (!redirectOn) return null;
  if (query.forceApiKeys === "true" || query.narrow !== undefined) return null;
  return FROM_API_KEYS_PATH;
}
