"use server";
// The renew page's action (issue 14): requireUser() → the bound key id and the chosen duration,
// both client input → renewApiKey, which re-checks holder, owner, revocation and the duration.
import { revalidatePath } from "next/cache";
import { type ActionState, fail } from "@/lib/action-state";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { MESSAGES } from "@/lib/api-keys/rules";
import { renewApiKey } from "@/lib/api-keys/renew";
import type { NewSecret } from "@/app/account/apikeys/actions";

export async function renewKeyAction(keyId: unknown, form: unknown): Promise<ActionState<NewSecret>> {
  const id = typeof keyId === "string" && keyId.length > 0 && keyId.length <= 64 ? keyId : null;
  const user = await requireUser(id ? `/account/apikeys/renew/${encodeURIComponent(id)}` : "/account/apikeys");
  if (!user.emailConfirmed) return fail("To get an API Key you will need to confirm your account.");
  if (!id) return fail(MESSAGES.keyNotFound);
  const days = form instanceof FormData ? form.get("expiresInDays") : null;
  const result = await renewApiKey(db, user.id, id, typeof days === "string" ? days : null);
  if (!result.ok) return fail(result.error);
  revalidatePath("/account/apikeys");
  return { status: "ok", data: { id: result.key.id, plaintext: result.plaintext } };
}
