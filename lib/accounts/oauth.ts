// Optional OAuth sign-in (GitHub, Microsoft Entra ID): switched on only by their env vars, and
// linked to users through the OAuthAccount table.
import "server-only";
import { randomBytes } from "node:crypto";
import { writeAudit } from "@/lib/audit";
import type { Db } from "@/lib/create-db";
import { envFrom, type RawEnv } from "@/lib/env";
import { USERNAME_MAX } from "./rules";
import { USERNAME_PATTERN } from "./validation";
import { uniqueViolationField } from "./registration";

type OAuthProviderId = "github" | "microsoft-entra-id";

interface OAuthProviderInfo {
  id: OAuthProviderId;
  /** the button text, as nuget.org's "Sign in with Microsoft" */
  label: string;
}

/** The providers whose client id and secret are configured (in `raw` when a test passes it). */
export function enabledOAuthProviders(raw?: RawEnv): OAuthProviderInfo[] {
  const env = envFrom(raw);
  const list: OAuthProviderInfo[] = [];
  if (env.AUTH_MICROSOFT_ENTRA_ID_ID && env.AUTH_MICROSOFT_ENTRA_ID_SECRET) list.push({ id: "microsoft-entra-id", label: "Sign in with Microsoft" });
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) list.push({ id: "github", label: "Sign in with GitHub" });
  return list;
}

interface OAuthIdentity {
  provider: OAuthProviderId | string;
  providerAccountId: string;
  /** preferred name: GitHub login, Entra preferred_username, else the profile name */
  name?: string | null;
  email?: string | null;
  /** true only when the provider says the address is verified */
  emailVerified: boolean;
}

/** A valid, not yet used username from a profile name: nuget.org's characters, 3–64 long. */
async function deriveUsername(db: Db, preferred: string | null | undefined, email?: string | null): Promise<string> {
  const source = (preferred || email?.split("@")[0] || "user").normalize("NFKD");
  let base = source
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "")
    .slice(0, USERNAME_MAX - 6)
    .replace(/[^A-Za-z0-9]+$/, "");
  if (base.length < 3) base = `user-${base}`.replace(/-$/, "") + "1";
  const candidates = [base, ...Array.from({ length: 8 }, (_, i) => `${base}-${i + 2}`), `${base}-${randomBytes(3).toString("hex")}`];
  for (const name of candidates) {
    if (!USERNAME_PATTERN.test(name)) continue;
    const taken = await db.user.findUnique({ where: { usernameKey: name.toLowerCase() }, select: { id: true } });
    if (!taken) return name;
  }
  return `user-${randomBytes(6).toString("hex")}`;
}

type OAuthSignInResult =
  | { ok: true; userId: string; created: boolean }
  | { ok: false; reason: "email-in-use" | "no-email" | "locked" };

/** A sign-in through a provider by an existing account (a new one is audited as Register). */
export async function recordOAuthLogin(db: Db, userId: string, provider: string): Promise<void> {
  await writeAudit(db, { actorId: userId, action: "Login", details: { method: provider } });
}

/**
 * The user of an OAuth identity: the linked one, else a new account (audited as Register). An address that another
 * account already uses is never linked automatically (the provider's word alone must not hand
 * over an existing account): that person signs in with their password instead.
 */
export async function findOrCreateOAuthUser(db: Db, identity: OAuthIdentity, now = new Date()): Promise<OAuthSignInResult> {
  const linked = await db.oAuthAccount.findUnique({
    where: { provider_providerAccountId: { provider: identity.provider, providerAccountId: identity.providerAccountId } },
    select: { user: { select: { id: true, locked: true, isOrganization: true } } },
  });
  if (linked) {
    if (linked.user.locked || linked.user.isOrganization) return { ok: false, reason: "locked" };
    return { ok: true, userId: linked.user.id, created: false };
  }
  const email = identity.email?.trim().toLowerCase();
  if (!email) return { ok: false, reason: "no-email" };
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) return { ok: false, reason: "email-in-use" };

  for (let attempt = 0; attempt < 3; attempt++) {
    const username = await deriveUsername(db, identity.name, email);
    try {
      const user = await db.$transaction(async (tx) => {
        const created = await tx.user.create({
          data: {
            username,
            usernameKey: username.toLowerCase(),
            email,
            emailConfirmedAt: identity.emailVerified ? now : null,
            oauthAccounts: { create: { provider: identity.provider, providerAccountId: identity.providerAccountId } },
          },
          select: { id: true },
        });
        await writeAudit(tx, { actorId: created.id, action: "Register", target: username, details: { method: identity.provider } });
        return created;
      });
      return { ok: true, userId: user.id, created: true };
    } catch (e) {
      const field = uniqueViolationField(e);
      if (field === "email") return { ok: false, reason: "email-in-use" };
      if (field === "usernameKey") continue; // someone took the name meanwhile: derive again
      if (field) {
        // the same identity was linked by a parallel sign-in
        const again = await db.oAuthAccount.findUnique({
          where: { provider_providerAccountId: { provider: identity.provider, providerAccountId: identity.providerAccountId } },
          select: { userId: true },
        });
        if (again) return { ok: true, userId: again.userId, created: false };
      }
      throw e;
    }
  }
  throw new Error("could not choose a username");
}

export const OAUTH_ERROR_MESSAGES: Record<string, string> = {
  "email-in-use": "An account with this email address already exists. Sign in with your username and password.",
  "no-email": "The provider did not share an email address, which an account needs.",
  locked: "This account is locked. Please contact support.",
};

/** What an OAuth sign-in tells us, from Auth.js's `account` and the provider's raw `profile`. */
export function identityFrom(
  account: { provider: string; providerAccountId: string },
  profile: Record<string, unknown> | undefined,
): OAuthIdentity {
  const p = profile ?? {};
  const str = (v: unknown) => (typeof v === "string" && v ? v : null);
  const email = str(p.email);
  if (account.provider === "github") {
    // email_verified is set by our GitHub userinfo request (only for a verified primary address)
    return { provider: "github", providerAccountId: account.providerAccountId, name: str(p.login) ?? str(p.name), email, emailVerified: p.email_verified === true };
  }
  // OIDC (Entra ID): the standard email_verified claim; Entra's xms_edov says the domain owner verified it
  const verified = p.email_verified === true || p.xms_edov === true || p.xms_edov === "1";
  return { provider: account.provider, providerAccountId: account.providerAccountId, name: email?.split("@")[0] ?? str(p.name), email, emailVerified: verified };
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/**
 * GitHub's /user does not say whether an address is verified; /user/emails does. Picks the
 * verified primary address (else any verified one) and marks it so.
 */
export async function githubProfile(accessToken: string, apiBase = "https://api.github.com", fetchImpl: typeof fetch = fetch): Promise<Record<string, unknown>> {
  const headers = { Authorization: `Bearer ${accessToken}`, "User-Agent": "nuget-keys", Accept: "application/vnd.github+json" };
  const profile = (await (await fetchImpl(`${apiBase}/user`, { headers })).json()) as Record<string, unknown>;
  const res = await fetchImpl(`${apiBase}/user/emails`, { headers });
  const emails = res.ok ? ((await res.json()) as GitHubEmail[]) : [];
  const chosen = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified);
  if (chosen) return { ...profile, email: chosen.email, email_verified: true };
  return { ...profile, email_verified: false };
}
