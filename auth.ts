// Auth.js (next-auth v5): password sign-in, and GitHub / Microsoft Entra ID when configured.
// JWT sessions (Credentials cannot use Auth.js's database sessions), each naming its own
// Session row, which every read of the cookie checks: deleting the row ends the session on
// every instance, and the cookie is then cleared, never re-issued.
import NextAuth, { CredentialsSignin } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { headers } from "next/headers";
import type { Provider } from "next-auth/providers";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import MicrosoftEntraID from "next-auth/providers/microsoft-entra-id";
import { db } from "@/lib/db";
import { attemptSignIn } from "@/lib/accounts/sign-in";
import { clientIp } from "@/lib/request-context";
import { signInSchema } from "@/lib/accounts/validation";
import { enabledOAuthProviders, findOrCreateOAuthUser, githubProfile, identityFrom, recordOAuthLogin } from "@/lib/accounts/oauth";
import { createSession, endSession, findSessionUser, SESSION_MAX_AGE_S, type SessionUser } from "@/lib/accounts/users";
import { secureCookies } from "@/lib/accounts/cookies";
import { authSecret } from "@/lib/secrets";
import { env } from "@/lib/env";

declare module "next-auth" {
  interface User {
    /** a password sign-in's Session row, made with the password check (lib/accounts/sign-in.ts) */
    sessionId?: string;
  }
  interface Session {
    /** the signed-in user and session, as checked against the database on this read */
    signedIn?: SessionUser;
  }
}

/** The cookie's claims this app adds: the user's id and the Session row's id. */
function claims(token: JWT): { uid: string; sid: string } | null {
  return typeof token.uid === "string" && typeof token.sid === "string" ? { uid: token.uid, sid: token.sid } : null;
}

// The jwt callback's check, handed to the session callback that Auth.js calls next with the
// same token object: one query per read of the cookie, and nothing extra inside the cookie.
const checked = new WeakMap<JWT, SessionUser>();

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
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/users/account/LogOn", error: "/users/account/LogOn" },
  logger: { error: () => {}, warn: () => {} }, // failed sign-ins are expected; never log credentials
  providers: [
    Credentials({
      credentials: { login: {}, password: {} },
      async authorize(raw, request) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) return null;
        const result = await attemptSignIn(db, parsed.data.login, parsed.data.password, {
          ip: clientIp(request?.headers),
          userAgent: request?.headers.get("user-agent"),
        });
        if (result.ok) return { id: result.user.id, name: result.user.username, email: result.user.email, sessionId: result.user.sessionId };
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
      if (account?.type === "credentials") {
        // the row was made with the password check
        if (!user?.id || !user.sessionId) return null;
        return { ...token, uid: user.id, sid: user.sessionId };
      }
      if (account) {
        // linked (or created) by the signIn callback just before
        const result = await findOrCreateOAuthUser(db, identityFrom(account, profile as Record<string, unknown> | undefined));
        if (!result.ok) return null;
        const h = await headers();
        const sid = await createSession(db, result.userId, { ip: clientIp(h), userAgent: h.get("user-agent") });
        return sid ? { ...token, uid: result.userId, sid } : null;
      }
      // Every later read of the cookie. Null ends the session: Auth.js then clears the cookie
      // instead of re-signing it (@auth/core lib/actions/session.js), and auth() answers null.
      // A cookie from before Session rows (no sid) ends too: its user signs in once more.
      const c = claims(token);
      const found = c && (await findSessionUser(db, c.uid, c.sid));
      if (!found) return null;
      checked.set(token, found);
      return token;
    },
    session({ session, token }) {
      return { ...session, signedIn: checked.get(token) };
    },
  },
  events: {
    // Auth.js's own sign-out endpoint and signOut() from auth.ts both come here
    async signOut(message) {
      const c = "token" in message && message.token ? claims(message.token) : null;
      if (c) await endSession(db, c.uid, c.sid);
    },
  },
});
