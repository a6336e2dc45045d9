"use client";
// "Sign out of all other sessions": ends every other browser's session of this account at once.
// Kept mounted when the count drops to 0, so the confirmation stays on screen.
import { useActionState } from "react";
import { idle } from "@/lib/action-state";
import { FormMessage } from "@/components/ui/field";
import { SubmitButton } from "@/app/users/account/_components/submit-button";
import { signOutOtherSessionsAction } from "../actions";

export function SignOutOtherSessions({ others }: { others: number }) {
  const [state, action] = useActionState(signOutOtherSessionsAction, idle);
  return (
    <form action={action} className="space-y-3">
      <FormMessage error={state.status === "error" ? state.message : undefined} ok={state.status === "ok" ? state.message : undefined} />
      <p>
        {others === 0
          ? "You are not signed in anywhere else."
          : others === 1
            ? "1 other session is signed in to your account (another browser or device)."
            : `${others} other sessions are signed in to your account (other browsers or devices).`}
      </p>
      {others > 0 && <SubmitButton>Sign out of all other sessions</SubmitButton>}
    </form>
  );
}
