// Auth.js (next-auth v5): password sign-in, and GitHub / Microsoft Entra ID when configured.
// JWT sessions: Credentials cannot use database sessions.
import NextAuth, { CredentialsSignin } from "next-auth";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import MicrosoftEntraID from "next-auth/providers/microsoft-entra-id";
import { db } from "@/lib/db";
import { attemptSignIn } from "@/lib/accounts/sign-in";
import { clientIp } from "@/lib/accounts/throttle";
import { signInSchema } from "@/lib/accounts/validation";
import { enabledOAuthProviders, findOrCreateOAuthUser, githubProfile, identityFrom, recordOAuthLogin } from "@/lib/accounts/oauth";
import { currentSessionVersion } from "@/lib/accounts/users";
import { secureCookies } from "@/lib/accounts/cookies";
import { authSecret } from "@/lib/secrets";
import { env } from "@/lib/env";

declare module "next-auth" {
  interface User {
    /** a password sign-in's session version, read with the password it checked */
    sessionVersion?: number;
  }
  interface Session {
    /** the user's session version at sign-in (lib/accounts/users.ts) */
    sessionVersion?: number;
  }
}

/** Sign-in refused although the password may be right: too many failures. */
export class ThrottledSignIn extends CredentialsSignin {
  code = "throttled";
  constructor(public retryAfterMinutes: number) {
    super();
  }
}
export class LockedSignIn extends CredentialsSignin {
  code = "locked";
}

function oauthProviders(): Provider[] {
  const list: Provider[] = [];
  for (const p of enabledOAuthProviders()) {
    if (p.id === "github") {
      list.push(
        GitHub({
          clientId: env().AUTH_GITHUB_ID,
          clientSecret: env().AUTH_GITHUB_SECRET,
          userinfo: {
            url: "https://api.github.com/user",
            request: ({ tokens }: { tokens: { access_token?: string } }) => githubProfile(tokens.access_token ?? ""),
          },
        }),
      );
    } else {
      list.push(
        MicrosoftEntraID({
          clientId: env().AUTH_MICROSOFT_ENTRA_ID_ID,
          clientSecret: env().AUTH_MICROSOFT_ENTRA_ID_SECRET,
          issuer: env().AUTH_MICROSOFT_ENTRA_ID_ISSUER,
        }),
      );
    }
  }
  return list;
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  trustHost: true,
  useSecureCookies: secureCookies(),
  session: { strategy: "jwt" },
  pages: { signIn: "/users/account/LogOn", error: "/users/account/LogOn" },
  logger: { error: () => {}, warn: () => {} }, // failed sign-ins are expected; never log credentials
  providers: [
    Credentials({
      credentials: { login: {}, password: {} },
      async authorize(raw, request) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) return null;
        const result = await attemptSignIn(db, parsed.data.login, parsed.data.password, clientIp(request?.headers));
        if (result.ok) return { id: result.user.id, name: result.user.username, email: result.user.email, sessionVersion: result.user.sessionVersion };
        if (result.reason === "throttled") throw new ThrottledSignIn(result.retryAfterMinutes);
        if (result.reason === "locked") throw new LockedSignIn();
        return null;
      },
    }),
    ...oauthProviders(),
  ],
  callbacks: {
    async signIn({ account, profile }) {
      if (!account || account.type === "credentials") return true;
      const result = await findOrCreateOAuthUser(db, identityFrom(account, profile as Record<string, unknown> | undefined));
      if (!result.ok) return `/users/account/LogOn?error=OAuth&reason=${result.reason}`;
      if (!result.created) await recordOAuthLogin(db, result.userId, account.provider);
      return true;
    },
    async jwt({ token, user, account, profile }) {
      if (account && account.type !== "credentials") {
        // linked (or created) by the signIn callback just before
        const result = await findOrCreateOAuthUser(db, identityFrom(account, profile as Record<string, unknown> | undefined));
        if (result.ok) token.uid = result.userId;
      } else if (user?.id) {
        token.uid = user.id;
      }
      // at sign-in: the version a password change raises, ending this session (lib/accounts/users.ts).
      // A password sign-in brings the one read with the password, so a change in between still counts.
      if (user?.sessionVersion !== undefined) token.sv = user.sessionVersion;
      else if (account && typeof token.uid === "string") token.sv = await currentSessionVersion(db, token.uid);
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === "string") session.user.id = token.uid;
      session.sessionVersion = typeof token.sv === "number" ? token.sv : 0;
      return session;
    },
  },
});
