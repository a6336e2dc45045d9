"use server";
// Package owner actions (nuget.org's JsonApiController AddPackageOwner / RemovePackageOwner and
// PackagesController's ownership-request links). Each re-checks the session user; the data layer
// (lib/packages/owners.ts) re-checks their right on the package named. Package ids and usernames
// come in by `.bind` or the form; the acting user only ever from the session.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { fail, type ActionState } from "@/lib/action-state";
import { db } from "@/lib/db";
import { appOrigin, clientIp } from "@/lib/request-context";
import { requireUser } from "@/lib/session";
import { addPackageOwner, answerOwnershipRequest, cancelOwnershipRequest, FROM_ACCOUNT_PAGE, removePackageOwner } from "@/lib/packages/owners";

const text = (v: unknown, max = 256) => (typeof v === "string" ? v.slice(0, max) : "");
const managePath = (id: string) => `/packages/${encodeURIComponent(id)}/Manage`;

export async function addOwnerAction(packageId: unknown, _prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser(managePath(text(packageId)));
  const h = await headers();
  const result = await addPackageOwner(db, user.id, text(packageId), text(form.get("username")), text(form.get("message"), 4000), appOrigin(h), clientIp(h));
  if (!result.ok) return fail(result.error);
  revalidatePath(managePath(text(packageId)));
  return { status: "ok", data: undefined };
}

export async function removeOwnerAction(packageId: unknown, username: unknown): Promise<ActionState> {
  const user = await requireUser(managePath(text(packageId)));
  const result = await removePackageOwner(db, user.id, text(packageId), text(username), clientIp(await headers()));
  if (!result.ok) return fail(result.error);
  // nuget.org sends you to the package once you can no longer manage it
  if (result.lostAccess) redirect("/account/Packages");
  revalidatePath(managePath(text(packageId)));
  return { status: "ok", data: undefined };
}

/** `token`: from the mailed link's page; null from Manage Packages' received requests. */
export async function answerOwnerRequestAction(packageId: unknown, username: unknown, token: unknown, accept: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Packages");
  const h = await headers();
  const answer = token === null ? FROM_ACCOUNT_PAGE : text(token);
  const result = await answerOwnershipRequest(db, user.id, text(packageId), text(username), answer, accept === true, appOrigin(h), clientIp(h));
  if (!result.ok) return fail(result.error);
  if (answer === FROM_ACCOUNT_PAGE) {
    // the answered row is gone from Manage Packages: the outcome is shown above its list
    const outcome = new URLSearchParams({ answered: accept === true ? "confirm" : "reject", package: result.packageId, account: result.owner });
    redirect(`/account/Packages?${outcome}`);
  }
  revalidatePath("/account/Packages");
  return { status: "ok", data: undefined };
}

export async function cancelOwnerRequestAction(packageId: unknown, username: unknown, token: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Packages");
  const result = await cancelOwnershipRequest(db, user.id, text(packageId), text(username), text(token));
  if (!result.ok) return fail(result.error);
  revalidatePath(managePath(result.packageId));
  return { status: "ok", data: undefined };
}
