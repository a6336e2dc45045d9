"use server";
// The organization's API keys page's one action: an administrator revokes a key acting for the
// organization. The key id and organization name come by `.bind`; the data layer re-checks that
// the session user administers that organization and that the key is one of its keys.
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { fail, type ActionState } from "@/lib/action-state";
import { db } from "@/lib/db";
import { clientIp } from "@/lib/request-context";
import { requireUser } from "@/lib/session";
import { revokeOrganizationKey } from "@/lib/organizations/keys";

const text = (v: unknown) => (typeof v === "string" ? v.slice(0, 256) : "");

export async function revokeOrganizationKeyAction(orgName: unknown, keyId: unknown): Promise<ActionState> {
  const user = await requireUser("/account/Organizations");
  const key = await revokeOrganizationKey(db, user.id, text(orgName), text(keyId), { ip: clientIp(await headers()) });
  if (!key) return fail("An error occurred while revoking the API key. Please try again.");
  revalidatePath(`/organization/${encodeURIComponent(text(orgName))}/apikeys`);
  return { status: "ok", data: undefined, message: `The API key '${key.name}' of ${key.creatorUsername} was revoked.` };
}
