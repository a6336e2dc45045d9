"use server";
import { signOut } from "@/auth";
import { endSession } from "@/lib/accounts/users";
import { db } from "@/lib/db";
import { getOptionalUser } from "@/lib/session";

export async function signOutAction() {
  // Ended here as well as in auth.ts's signOut event: Auth.js swallows an error thrown there, and
  // a sign-out that failed to end the session must not look done (this throws to error.tsx).
  const user = await getOptionalUser();
  if (user) await endSession(db, user.id, user.sessionId);
  await signOut({ redirectTo: "/" });
}
