"use client";
// The POST buttons of the ownership-request pages (ownership-link-page.tsx) and of Manage
// Packages' received requests (token null: the session proves the new owner there; the answered
// row leaves that page, so the action redirects to it with the outcome to show).
import { useActionState } from "react";
import { answerOwnerRequestAction, cancelOwnerRequestAction } from "@/app/packages/owner-actions";
import { idle, type ActionState } from "@/lib/action-state";
import { ANSWERED } from "@/lib/packages/owner-rules";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";
import { Alert } from "@/components/ui/alert";

type Link = keyof typeof ANSWERED;

export function OwnershipAnswer({ packageId, owner, token, link }: { packageId: string; owner: string; token: string | null; link?: Link }) {
  const [accepted, accept, accepting] = useActionState<ActionState>(() => answerOwnerRequestAction(packageId, owner, token, true), idle);
  const [declined, decline, declining] = useActionState<ActionState>(() => answerOwnerRequestAction(packageId, owner, token, false), idle);
  const [cancelled, cancel, cancelling] = useActionState<ActionState>(() => cancelOwnerRequestAction(packageId, owner, token), idle);
  const busy = accepting || declining || cancelling;
  const done: Link | null = accepted.status === "ok" ? "confirm" : declined.status === "ok" ? "reject" : cancelled.status === "ok" ? "cancel" : null;
  const failed = [accepted, declined, cancelled].find((s) => s.status === "error");
  if (done) {
    return (
      <Alert tone="success" role="status">
        {ANSWERED[done](packageId, owner)}
      </Alert>
    );
  }
  return (
    <div className="space-y-2">
      {failed?.status === "error" && (
        <Alert tone="danger" role="alert">
          <p>{`Could not confirm package ownership for '${packageId}'.`}</p>
          <p>{failed.message}</p>
        </Alert>
      )}
      <div className="flex gap-2">
        {(link === undefined || link === "confirm") && (
          <form action={accept}>
            <button type="submit" className={primaryButton} disabled={busy} aria-label={`Accept the request to add ${owner} as an owner of ${packageId}`}>
              Accept
            </button>
          </form>
        )}
        {(link === undefined || link === "reject") && (
          <form action={decline}>
            <button type="submit" className={secondaryButton} disabled={busy} aria-label={`Decline the request to add ${owner} as an owner of ${packageId}`}>
              Decline
            </button>
          </form>
        )}
        {link === "cancel" && (
          <form action={cancel}>
            <button type="submit" className={secondaryButton} disabled={busy}>
              Cancel request
            </button>
          </form>
        )}
      </div>
    </div>
  );
}
