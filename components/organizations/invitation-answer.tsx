"use client";
// Accept / decline an invitation on the invitee's Manage Organizations row (where the mailed links
// lead): its POST carries no token, the session proves the invitee. Accepting goes to the organization's page,
// declining to Manage Organizations; a failure shows here with nuget.org's headings.
import { useActionState } from "react";
import { acceptInvitationAction, declineInvitationAction } from "@/app/organization/actions";
import { idle, type ActionState } from "@/lib/action-state";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";

export function InvitationAnswer({ org, token, only }: { org: string; token: string | null; only?: "accept" | "reject" }) {
  const [accepted, accept, accepting] = useActionState<ActionState>(() => acceptInvitationAction(org, token), idle);
  const [declined, decline, declining] = useActionState<ActionState>(() => declineInvitationAction(org, token), idle);
  const failure = accepted.status === "error" ? { heading: "Membership Confirmation Failed", text: `We were not able to add you as a member of the ${org}.`, reason: accepted.message }
    : declined.status === "error" ? { heading: "Membership Declination Failed", text: `We were not able to decline your membership request for the ${org}.`, reason: declined.message }
    : null;
  return (
    <div className="space-y-2">
      {failure && (
        <div role="alert" className="border-l-4 border-red-700 bg-red-50 px-3 py-2 text-red-800">
          <h2 className="text-xl">{failure.heading}</h2>
          <p>{failure.text}</p>
          <p>{failure.reason}</p>
        </div>
      )}
      <div className="flex gap-2">
        {only !== "reject" && (
          <form action={accept}>
            <button type="submit" className={primaryButton} disabled={accepting || declining} title="Accept Organization Membership Request" aria-label="Accept Organization Membership Request">
              {token === null ? "✓" : "Accept"}
            </button>
          </form>
        )}
        {only !== "accept" && (
          <form action={decline}>
            <button type="submit" className={secondaryButton} disabled={accepting || declining} title="Reject Organization Membership Request" aria-label="Reject Organization Membership Request">
              {token === null ? "✗" : "Decline"}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}
