"use server";
// Organization actions (nuget.org's OrganizationsController). Each re-checks the session user;
// the data layer re-checks their role in the organization named. Organization and member names
// come in by `.bind` from the page; the acting user only ever from the session.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { fail, fromZodError, type ActionState } from "@/lib/action-state";
import { formText } from "@/lib/accounts/validation";
import { db } from "@/lib/db";
import { appOrigin, clientIp } from "@/lib/request-context";
import { requireUser } from "@/lib/session";
import { addOrganizationSchema } from "@/lib/organizations/rules";
import {
  acceptInvitation,
  cancelInvitation,
  changeRole,
  createOrganization,
  declineInvitation,
  FROM_ACCOUNT_PAGE,
  inviteMember,
  removeMember,
} from "@/lib/organizations/store";

const text = (v: unknown) => (typeof v === "string" ? v.slice(0, 256) : "");
const orgPath = (name: string) => `/organization/${encodeURIComponent(name)}`;

export async function addOrganizationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/organization/add");
  const values = { organizationName: formText(form, "organizationName"), emailAddress: formText(form, "emailAddress") };
  const parsed = addOrganizationSchema.safeParse(values);
  if (!parsed.success) return fromZodError(parsed.error, values);
  const h = await headers();
  const result = await createOrganization(db, user.id, parsed.data, appOrigin(h), clientIp(h));
  if (!result.ok) return fail(result.error, values);
  redirect(orgPath(result.organization.username));
}

export async function inviteMemberAction(orgName: unknown, _prev: ActionState, form: FormData): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const memberName = formText(form, "memberName");
  const result = await inviteMember(db, user.id, text(orgName), memberName, formText(form, "isAdmin") === "true", appOrigin(await headers()));
  if (!result.ok) return fail(result.error);
  revalidatePath(orgPath(text(orgName)));
  return { status: "ok", data: undefined, message: `${result.member.username} was successfully added to your organization (pending approval)` };
}

export async function changeRoleAction(orgName: unknown, memberName: unknown, isAdmin: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await changeRole(db, user.id, text(orgName), text(memberName), isAdmin === true, clientIp(await headers()));
  if (!result.ok) return fail(result.error);
  revalidatePath(orgPath(text(orgName)));
  return { status: "ok", data: undefined };
}

export async function removeMemberAction(orgName: unknown, memberName: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await removeMember(db, user.id, text(orgName), text(memberName), clientIp(await headers()));
  if (!result.ok) return fail(result.error);
  // nuget.org: after leaving, the browser goes to the home page
  if (result.left) redirect("/");
  revalidatePath(orgPath(text(orgName)));
  return { status: "ok", data: undefined, message: result.message };
}

export async function cancelInvitationAction(orgName: unknown, memberName: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const result = await cancelInvitation(db, user.id, text(orgName), text(memberName));
  if (!result.ok) return fail(result.error);
  revalidatePath(orgPath(text(orgName)));
  return { status: "ok", data: undefined, message: result.message };
}

/** `token`: from the mailed link's page; null from the invitee's own Manage Organizations page. */
export async function acceptInvitationAction(orgName: unknown, token: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const answer = token === null ? FROM_ACCOUNT_PAGE : text(token);
  const result = await acceptInvitation(db, user.id, text(orgName), answer, clientIp(await headers()));
  if (!result.ok) return fail(result.error);
  redirect(`${orgPath(result.organization)}?joined=1`);
}

export async function declineInvitationAction(orgName: unknown, token: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const answer = token === null ? FROM_ACCOUNT_PAGE : text(token);
  const result = await declineInvitation(db, user.id, text(orgName), answer);
  if (!result.ok) return fail(result.error);
  // nuget.org shows the outcome on Manage Organizations
  redirect(`/account/Organizations?declined=${encodeURIComponent(result.organization)}`);
}
