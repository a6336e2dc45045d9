"use server";
// Site administrators' reserved-namespace actions. Each re-checks the session user; the data
// layer re-reads them and checks SITE_ADMINS itself. Values and usernames come in from the page
// (bound or typed); nothing from the client is trusted as who acts.
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { fail, type ActionState } from "@/lib/action-state";
import { addReservationOwner, removeReservationOwner, reserveNamespace, unreserveNamespace, type AdminResult } from "@/lib/admin/reserved-namespaces";
import { formText } from "@/lib/accounts/validation";
import { db } from "@/lib/db";
import { clientIp } from "@/lib/request-context";
import { requireUser } from "@/lib/session";

const PAGE = "/admin/ReservedNamespaces";

function answer(result: AdminResult): ActionState {
  if (!result.ok) return fail(result.error);
  revalidatePath(PAGE);
  return { status: "ok", data: undefined, message: result.message };
}

export async function reserveNamespaceAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser(PAGE);
  const input = { value: formText(form, "value"), isPrefix: form.get("isPrefix") === "true", isShared: form.get("isShared") === "true" };
  return answer(await reserveNamespace(db, user.id, input, clientIp(await headers())));
}

export async function unreserveNamespaceAction(value: unknown): Promise<ActionState> {
  const user = await requireUser(PAGE);
  return answer(await unreserveNamespace(db, user.id, value, clientIp(await headers())));
}

export async function addReservationOwnerAction(value: unknown, _prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser(PAGE);
  return answer(await addReservationOwner(db, user.id, value, formText(form, "username"), clientIp(await headers())));
}

export async function removeReservationOwnerAction(value: unknown, username: unknown): Promise<ActionState> {
  const user = await requireUser(PAGE);
  return answer(await removeReservationOwner(db, user.id, value, username, clientIp(await headers())));
}
