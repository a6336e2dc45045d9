"use server";
// The renew page's action (issue 14): requireUser() → the bound key id and the chosen duration,
// both client input → renewApiKey, which re-checks holder, owner, revocation and the duration.
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
  // no revalidatePath: it would re-render this page, whose key id is gone now (a 404), and wipe
  // the new value before it is copied; /account/apikeys is dynamic and reads afresh anyway
  return { status: "ok", data: { id: result.key.id, plaintext: result.plaintext } };
}
