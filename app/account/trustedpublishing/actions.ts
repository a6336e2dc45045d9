"use server";
// The Trusted Publishing page's server actions (spec A3): create, edit, activate, delete. Each is a
// public endpoint: requireUser() → parse → data layer (creator-scoped) → revalidate → return. A
// policy id arrives through .bind and is re-checked by the data layer; the creator comes from the
// session. Each works as a plain form post too (useActionState), and answers the server's own
// message ("beyond" nuget.org, whose page shows one generic text).
import { revalidatePath } from "next/cache";
import type { ActionState } from "@/lib/action-state";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { activatePolicy, createPolicy, deletePolicy, editPolicy, type PolicyRefusal } from "@/lib/trusted-publishing/policies";
import { TP_MESSAGES } from "@/lib/trusted-publishing/rules";
import { readPolicyForm } from "@/lib/trusted-publishing/form";

const PAGE = "/account/trustedpublishing";

async function confirmedUser() {
  const user = await requireUser(PAGE);
  return user.emailConfirmed ? user : null;
}

function refused(r: PolicyRefusal): ActionState<string> {
  const fieldErrors = r.fieldErrors ? Object.fromEntries(Object.entries(r.fieldErrors).map(([k, v]) => [k, [v as string]])) : undefined;
  return { status: "error", message: r.error ?? undefined, fieldErrors };
}

/** A bound policy id is still client input: a string of sane length, or nothing to act on. */
function policyIdOf(raw: unknown): string {
  return typeof raw === "string" && raw.length <= 64 ? raw : "";
}

export async function createPolicyAction(_prev: ActionState<string>, form: FormData): Promise<ActionState<string>> {
  const user = await confirmedUser();
  if (!user) return { status: "error", message: TP_MESSAGES.unconfirmed };
  const input = readPolicyForm(form);
  const r = await createPolicy(db, user.id, { ...input, owner: input.owner, publisherType: input.publisherType });
  if (!r.ok) return refused(r);
  revalidatePath(PAGE);
  return { status: "ok", data: r.policy.id, message: `The policy '${r.policy.name}' has been created.` };
}

export async function editPolicyAction(policyId: unknown, _prev: ActionState<string>, form: FormData): Promise<ActionState<string>> {
  const user = await confirmedUser();
  if (!user) return { status: "error", message: TP_MESSAGES.unconfirmed };
  const id = policyIdOf(policyId);
  const r = await editPolicy(db, user.id, id, readPolicyForm(form));
  if (!r.ok) return refused(r);
  revalidatePath(PAGE);
  return { status: "ok", data: id, message: r.changed ? "The policy has been saved." : "Nothing changed." };
}

export async function activatePolicyAction(policyId: unknown, _prev: ActionState<string>): Promise<ActionState<string>> {
  const user = await confirmedUser();
  if (!user) return { status: "error", message: TP_MESSAGES.unconfirmed };
  const id = policyIdOf(policyId);
  const r = await activatePolicy(db, user.id, id);
  if (!r.ok) return refused(r);
  revalidatePath(PAGE);
  return { status: "ok", data: id, message: "The policy is active for 7 days: use it within them to keep it permanently active." };
}

export async function deletePolicyAction(policyId: unknown, _prev: ActionState<string>): Promise<ActionState<string>> {
  const user = await confirmedUser();
  if (!user) return { status: "error", message: TP_MESSAGES.unconfirmed };
  const id = policyIdOf(policyId);
  const r = await deletePolicy(db, user.id, id);
  if (!r.ok) return refused(r);
  revalidatePath(PAGE);
  return { status: "ok", data: id, message: TP_MESSAGES.removed };
}
