"use server";
// Transform-account actions (nuget.org's UsersController.*TransformToOrganization*). Each
// re-checks the session user; the data layer matches the request to them. Account names and
// tokens come in by `.bind` from the page; the acting person only ever from the session.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signOut } from "@/auth";
import { fail, fromZodError, type ActionState } from "@/lib/action-state";
import { endSession } from "@/lib/accounts/users";
import { formText } from "@/lib/accounts/validation";
import { db } from "@/lib/db";
import { appOrigin, clientIp } from "@/lib/request-context";
import { requireUser } from "@/lib/session";
import { transformSchema } from "@/lib/organizations/transform-rules";
import { acceptTransform, cancelTransform, FROM_ACCOUNT_PAGE, rejectTransform, requestTransform } from "@/lib/organizations/transform";

const text = (v: unknown) => (typeof v === "string" ? v.slice(0, 256) : "");
const answer = (token: unknown) => (token === null ? FROM_ACCOUNT_PAGE : text(token));

export async function requestTransformAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account/transform");
  const values = { adminUsername: formText(form, "adminUsername").slice(0, 256) };
  const parsed = transformSchema.safeParse(values);
  if (!parsed.success) return fromZodError(parsed.error, values);
  const result = await requestTransform(db, user.id, parsed.data.adminUsername, appOrigin(await headers()));
  if (!result.ok) return fail(result.error, values);
  // nuget.org signs the requester out and asks for the administrator's sign-in
  await endSession(db, user.id, user.sessionId);
  await signOut({ redirectTo: result.signInUrl });
  return { status: "ok", data: undefined };
}

/** `token`: from the mailed link's page; null from the admin's own Manage Organizations row. */
export async function acceptTransformAction(account: unknown, token: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await acceptTransform(db, user.id, text(account), answer(token), clientIp(await headers()));
  if (!result.ok) return fail(result.error);
  redirect(`/account/Organizations?transformed=${encodeURIComponent(result.account)}`);
}

export async function rejectTransformAction(account: unknown, token: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await rejectTransform(db, user.id, text(account), answer(token));
  if (!result.ok) return fail(result.error);
  redirect(`/account/Organizations?transformDeclined=${encodeURIComponent(result.account)}`);
}

/** The requester withdraws: with the mailed token, or (null) from their Manage Organizations page. */
export async function cancelTransformAction(token: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await cancelTransform(db, user.id, answer(token));
  if (!result.ok) return fail(result.error);
  redirect("/account/Organizations?transformCancelled=1");
}
