"use client";
// The ConfirmationRequired page's body and its "Resend Confirmation Email" POST; once sent, the
// page turns into nuget.org's "Confirmation Email Sent".
import { useActionState } from "react";
import { idle, type ActionState } from "@/lib/action-state";
import { FormMessage } from "@/components/ui/field";
import { primaryButton } from "@/components/ui/button-styles";
import { resendOrganizationConfirmationAction } from "@/app/organization/settings-actions";

export function ResendOrganizationConfirmation({ org, title, children }: { org: string; title: string; children: React.ReactNode }) {
  const [state, resend, sending] = useActionState<ActionState>(resendOrganizationConfirmationAction.bind(null, org), idle);
  if (state.status === "ok") {
    return (
      <>
        <h1 className="text-3xl font-light">Confirmation Email Sent</h1>
        <p>Please make sure to check your spam folder if you did not receive the confirmation email.</p>
      </>
    );
  }
  return (
    <>
      <h1 className="text-3xl font-light">{title}</h1>
      {children}
      <FormMessage error={state.status === "error" ? state.message : undefined} />
      <form action={resend}>
        <button type="submit" className={primaryButton} disabled={sending}>
          Resend Confirmation Email
        </button>
      </form>
    </>
  );
}
