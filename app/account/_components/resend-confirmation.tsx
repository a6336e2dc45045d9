"use client";
// The "resend" button for an unconfirmed email address.
import { useActionState } from "react";
import { idle } from "@/lib/action-state";
import { FormMessage } from "@/components/ui/field";
import { SubmitButton } from "@/app/users/account/_components/submit-button";
import { resendConfirmationAction } from "../actions";

export function ResendConfirmation() {
  const [state, action] = useActionState(resendConfirmationAction, idle);
  return (
    <form action={action} className="space-y-2">
      <FormMessage error={state.status === "error" ? state.message : undefined} ok={state.status === "ok" ? state.message : undefined} />
      <SubmitButton>Resend confirmation email</SubmitButton>
    </form>
  );
}
