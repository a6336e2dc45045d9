// The invitation mail's links (/organization/{name}/members/confirm|reject/{token}) only lead to
// Manage Organizations, as nuget.org's do: a GET changes nothing (link scanners open mails), and
// the invitee answers there with ✓ or ✗, whose POST the signed-in session proves. A token is
// still checked when a POST carries one (a crafted or replayed answer).
import { redirect } from "next/navigation";

export async function InvitationLinkPage({ params }: { params: Promise<{ name: string; token: string }> }): Promise<never> {
  await params;
  redirect("/account/Organizations");
}
