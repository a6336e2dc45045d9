"use client";
// Answers to a transform request: the proposed admin accepts or declines (on their Manage
// Organizations row, token null, or on the mailed link's page), the requester cancels. Each is a
// POST; success redirects to Manage Organizations, a failure shows here.
import { useActionState } from "react";
import { acceptTransformAction, cancelTransformAction, rejectTransformAction } from "@/app/account/transform/actions";
import { idle, type ActionState } from "@/lib/action-state";
import { TRANSFORM_MESSAGES } from "@/lib/organizations/transform-rules";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";

/** nuget.org's red button (btn-danger). */
const dangerButton = "rounded bg-red-700 px-4 py-1.5 text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:opacity-50";

function Failure({ state }: { state: ActionState }) {
  if (state.status !== "error") return null;
  return (
    <div role="alert" className="border-l-4 border-red-700 bg-red-50 px-3 py-2 text-red-800">
      <h2 className="text-xl">{TRANSFORM_MESSAGES.failedHeading}</h2>
      <p>{state.message}</p>
    </div>
  );
}

export function TransformAnswer({ account, token, only }: { account: string; token: string | null; only?: "accept" | "reject" }) {
  const [accepted, accept, accepting] = useActionState<ActionState>(() => acceptTransformAction(account, token), idle);
  const [rejected, reject, rejecting] = useActionState<ActionState>(() => rejectTransformAction(account, token), idle);
  const busy = accepting || rejecting;
  return (
    <div className="space-y-2">
      <Failure state={accepted.status === "error" ? accepted : rejected} />
      <div className="flex gap-2">
        {only !== "reject" && (
          <form action={accept}>
            <button type="submit" className={primaryButton} disabled={busy} title="Accept Organization Transform Request" aria-label={`Accept transforming ${account} into an organization`}>
              {token === null ? "✓" : "Accept"}
            </button>
          </form>
        )}
        {only !== "accept" && (
          <form action={reject}>
            <button type="submit" className={secondaryButton} disabled={busy} title="Reject Organization Transform Request" aria-label={`Reject transforming ${account} into an organization`}>
              {token === null ? "✗" : "Decline"}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}

/** The requester's "Cancel migration request" (Manage Organizations, token null) or the mailed cancel link's button. */
export function CancelTransform({ token }: { token: string | null }) {
  const [state, cancel, cancelling] = useActionState<ActionState>(() => cancelTransformAction(token), idle);
  return (
    <div className="space-y-2">
      <Failure state={state} />
      <form action={cancel}>
        <button type="submit" className={dangerButton} disabled={cancelling}>
          Cancel migration request
        </button>
      </form>
    </div>
  );
}
