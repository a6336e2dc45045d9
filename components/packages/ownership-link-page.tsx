// The pages the ownership mails' links open: /packages/{id}/owners/{username}/confirm|reject/{token}
// for the new owner (or an administrator of the organization asked) and …/cancel/{token} for the
// requester. A GET changes nothing (link scanners open mails); the answer is the button's POST,
// which carries the token (only its hash is stored) and is re-checked by the data layer.
import { OwnershipAnswer } from "@/components/packages/ownership-answer";
import { requireUser } from "@/lib/session";

export type OwnershipLink = "confirm" | "reject" | "cancel";

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export async function OwnershipLinkPage({ params, link }: { params: Promise<{ id: string; username: string; token: string }>; link: OwnershipLink }) {
  const { id, username, token } = await params;
  await requireUser(`/packages/${id}/owners/${username}/${link}/${token}`);
  const packageId = decode(id);
  const owner = decode(username);
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-light">{link === "cancel" ? "Cancel Ownership Request" : "Confirm Ownership"}</h1>
      <p>
        {link === "cancel"
          ? `Cancel the request to add '${owner}' as an owner of the package '${packageId}'?`
          : `The account '${owner}' has been asked to become an owner of the package '${packageId}'.`}
      </p>
      <OwnershipAnswer packageId={packageId} owner={owner} token={decode(token)} link={link} />
    </div>
  );
}
