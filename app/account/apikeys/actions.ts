"use server";
// The API Keys page's server actions. Each is a public endpoint: requireUser() → parse →
// data layer (owner-scoped) → revalidate → return. Key ids arrive through .bind and are
// re-checked against the session user by the data layer; owner/user ids never come from the form.
import { revalidatePath } from "next/cache";
import { type ActionState, fail, failOn, fromZodError } from "@/lib/action-state";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { MESSAGES } from "@/lib/api-keys/rules";
import { createKeySchema, editKeySchema, readCreateForm, readEditForm } from "@/lib/api-keys/schema";
import {
  createApiKey,
  deleteApiKey,
  editApiKey,
  listOwnedPackageIds,
  listOwners,
  regenerateApiKey,
  revokeApiKey,
} from "@/lib/api-keys/store";
import { endOverlap, rollApiKey } from "@/lib/api-keys/roll";
import { ROLL_MESSAGES } from "@/lib/api-keys/roll-rules";

const PAGE = "/account/apikeys";
const UNCONFIRMED = "To get an API Key you will need to confirm your account.";

/** The plaintext travels to the browser only inside this return value. */
export type NewSecret = { id: string; plaintext: string };

/** A bound key id is still client input: a string of sane length, or nothing to act on. */
function keyIdOf(raw: unknown): string | null {
  return typeof raw === "string" && raw.length > 0 && raw.length <= 64 ? raw : null;
}

async function confirmedUser() {
  const user = await requireUser(PAGE);
  return user.emailConfirmed ? user : null;
}

export async function createKeyAction(form: unknown): Promise<ActionState<NewSecret>> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  const parsed = createKeySchema.safeParse(readCreateForm(form));
  if (!parsed.success) return fromZodError(parsed.error);
  const owner = (await listOwners(db, user.id)).find((o) => o.username.toLowerCase() === parsed.data.owner.toLowerCase());
  if (!owner) return failOn("owner", MESSAGES.ownerNotAllowed);
  const result = await createApiKey(db, user.id, {
    name: parsed.data.name,
    expiresInDays: parsed.data.expiresInDays,
    ownerId: owner.id,
    actions: parsed.data.actions,
    subjects: parsed.data.subjects,
    allowedCidrs: parsed.data.allowedCidrs,
  });
  if (!result.ok) return failOn(result.field, result.error);
  revalidatePath(PAGE);
  return { status: "ok", data: { id: result.key.id, plaintext: result.plaintext } };
}

/**
 * The package ids of one of the user's owners, for the picker (A–Z), one per line: for an
 * organization's 10,000 ids, one string is one value for the RSC encoder and decoder to visit,
 * not 10,000 (bench/organizations.ts). A package id never holds a line break (isValidPackageId).
 */
export async function loadOwnerPackagesAction(ownerName: unknown): Promise<ActionState<{ ids: string }>> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  if (typeof ownerName !== "string") return failOn("owner", MESSAGES.ownerBlankServer);
  const owner = (await listOwners(db, user.id)).find((o) => o.username.toLowerCase() === ownerName.toLowerCase());
  if (!owner) return failOn("owner", MESSAGES.ownerNotAllowed);
  return { status: "ok", data: { ids: (await listOwnedPackageIds(db, owner.id)).join("\n") } };
}

export async function editKeyAction(keyId: unknown, form: unknown): Promise<ActionState> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  const id = keyIdOf(keyId);
  if (!id) return fail(MESSAGES.keyNotFound);
  const parsed = editKeySchema.safeParse(readEditForm(form));
  if (!parsed.success) return fromZodError(parsed.error);
  const result = await editApiKey(db, user.id, id, parsed.data.subjects, { allowedCidrs: parsed.data.allowedCidrs });
  if (!result.ok) return failOn(result.field, result.error);
  revalidatePath(PAGE);
  return { status: "ok", data: undefined };
}

export async function regenerateKeyAction(keyId: unknown): Promise<ActionState<NewSecret>> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  const id = keyIdOf(keyId);
  const result = id ? await regenerateApiKey(db, user.id, id) : null;
  if (!result) return fail(MESSAGES.keyNotFound);
  revalidatePath(PAGE);
  return { status: "ok", data: { id: result.key.id, plaintext: result.plaintext } };
}

export async function revokeKeyAction(keyId: unknown): Promise<ActionState> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  const id = keyIdOf(keyId);
  const key = id ? await revokeApiKey(db, user.id, id) : null;
  if (!key) return fail(MESSAGES.keyNotFound);
  revalidatePath(PAGE);
  return { status: "ok", data: undefined };
}

export async function deleteKeyAction(keyId: unknown): Promise<ActionState> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  const id = keyIdOf(keyId);
  if (!id || !(await deleteApiKey(db, user.id, id))) return fail(MESSAGES.keyNotFound);
  revalidatePath(PAGE);
  return { status: "ok", data: undefined };
}

/**
 * Roll with overlap (beyond nuget.org): a new secret for the same key, the old one working for
 * `graceHours` more (0, 1, 24 or 168). The new value is shown once, as Regenerate's.
 */
export async function rollKeyAction(keyId: unknown, graceHours: unknown): Promise<ActionState<NewSecret>> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  const id = keyIdOf(keyId);
  if (!id) return fail(MESSAGES.keyNotFound);
  if (typeof graceHours !== "number") return fail(ROLL_MESSAGES.badGrace);
  const result = await rollApiKey(db, user.id, id, graceHours);
  if (!result.ok) return fail(result.error);
  revalidatePath(PAGE);
  return { status: "ok", data: { id, plaintext: result.plaintext } };
}

/** Ends a roll's overlap now: the previous secret stops working. */
export async function endOverlapAction(keyId: unknown): Promise<ActionState> {
  const user = await confirmedUser();
  if (!user) return fail(UNCONFIRMED);
  const id = keyIdOf(keyId);
  if (!id || !(await endOverlap(db, user.id, id))) return fail(ROLL_MESSAGES.noOverlap);
  revalidatePath(PAGE);
  return { status: "ok", data: undefined };
}
