"use server";
// The security overview's server actions (lib/api-keys/overview.ts). Each re-checks the session
// user; a key id arrives through .bind and is matched against that user by the data layer.
import { revalidatePath } from "next/cache";
import { type ActionState, fail } from "@/lib/action-state";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { MESSAGES } from "@/lib/api-keys/rules";
import { dropPushNew, revokeAllApiKeys } from "@/lib/api-keys/overview";

const PAGE = "/account/apikeys";
const UNCONFIRMED = "To get an API Key you will need to confirm your account.";

async function confirmedUser() {
  const user = await requireUser(PAGE);
  return user.emailConfirmed ? user : null;
}

export async function revokeAllKeysAction(): Promise<ActionState<{ revoked: number }>> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  const revoked = await revokeAllApiKeys(db, user.id);
  revalidatePath(PAGE);
  return { status: "ok", data: { revoked } };
}

export async function dropPushNewAction(keyId: unknown): Promise<ActionState> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  const id = typeof keyId === "string" && keyId.length > 0 && keyId.length <= 64 ? keyId : null;
  if (!id || !(await dropPushNew(db, user.id, id))) return fail(MESSAGES.keyNotFound);
  revalidatePath(PAGE);
  return { status: "ok", data: undefined };
}
