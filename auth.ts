// Auth.js (next-auth v5): password sign-in, and GitHub / Microsoft Entra ID when configured.
// JWT sessions: Credentials cannot use database sessions.
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { verifyCredentials } from "@/lib/accounts/sign-in";
import { authSecret } from "@/lib/secrets";

const credentialsSchema = z.object({
  login: z.string().min(1).max(256),
  password: z.string().min(1).max(1024),
});

export const { handlers, auth, signIn, signOut } = NextAuth({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt" },
  pages: { signIn: "/users/account/LogOn" },
  logger: { error: () => {} }, // failed sign-ins are expected; never log credentials
  providers: [
    Credentials({
      credentials: { login: {}, password: {} },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const user = await verifyCredentials(parsed.data.login, parsed.data.password);
        return user ? { id: user.id, name: user.username, email: user.email } : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.uid = user.id;
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === "string") session.user.id = token.uid;
      return session;
    },
  },
});
