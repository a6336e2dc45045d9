// GET /organization/{name}/members/reject/{token}: the invitation mail's link; it only leads to
// Manage Organizations (see InvitationLinkPage).
import { InvitationLinkPage } from "@/components/organizations/invitation-link-page";

export default function Page({ params }: { params: Promise<{ name: string; token: string }> }) {
  return InvitationLinkPage({ params });
}
