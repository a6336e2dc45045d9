// GET /organization/{name}/members/reject/{token}: the invitation mail's link (see InvitationLinkPage).
import type { Metadata } from "next";
import { InvitationLinkPage } from "@/components/organizations/invitation-link-page";

export const metadata: Metadata = { title: "Organization Membership Request" };

export default function Page({ params }: { params: Promise<{ name: string; token: string }> }) {
  return <InvitationLinkPage params={params} answer="reject" />;
}
