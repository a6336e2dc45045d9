// Organizations for tests, made by the organizations store as the pages make them: created by
// an administrator (its address then confirmed, as the mailed link would), members invited and
// accepting with the token.
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/create-db";
import { acceptInvitation, createOrganization, inviteMember } from "@/lib/organizations/store";

export const TEST_ORIGIN = "http://gallery.test";

export async function makeOrganization(db: Db, creatorId: string, { confirmed = true } = {}) {
  const organizationName = `Org_${randomBytes(5).toString("hex")}`;
  const email = `${organizationName.toLowerCase()}@org.test`;
  const r = await createOrganization(db, creatorId, { organizationName, emailAddress: email }, TEST_ORIGIN);
  if (!r.ok) throw new Error(r.error);
  if (confirmed) await db.user.update({ where: { id: r.organization.id }, data: { emailConfirmedAt: new Date() } });
  return { ...r.organization, email };
}

/** Invites and accepts: `member` joins the organization with the role. */
export async function joinOrganization(db: Db, adminId: string, org: string, member: { id: string; username: string }, isAdmin: boolean) {
  const invited = await inviteMember(db, adminId, org, member.username, isAdmin, TEST_ORIGIN);
  if (!invited.ok) throw new Error(invited.error);
  const accepted = await acceptInvitation(db, member.id, org, invited.token);
  if (!accepted.ok) throw new Error(accepted.error);
}
