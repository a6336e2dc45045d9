// The page the invitation mail's links open (/organization/{name}/members/confirm|reject/{token}).
// A GET changes nothing (link scanners open mails); the invitee answers with the button, a POST
// carrying the token: only its hash is stored, so the page must carry it (nuget.org redirects
// to Manage Organizations, whose forms hold its stored token).
import { InvitationAnswer } from "@/components/organizations/invitation-answer";
import { requireUser } from "@/lib/session";

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export async function InvitationLinkPage({ params, answer }: { params: Promise<{ name: string; token: string }>; answer: "confirm" | "reject" }) {
  const { name, token } = await params;
  await requireUser(`/organization/${name}/members/${answer}/${token}`);
  const org = decode(name);
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-light">Organization Membership Request</h1>
      <p>{`You have been invited to become a member of the organization '${org}'.`}</p>
      <InvitationAnswer org={org} token={decode(token)} only={answer === "confirm" ? "accept" : "reject"} />
    </div>
  );
}
