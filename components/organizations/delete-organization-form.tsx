"use client";
// The Delete Organization page's button (nuget.org's DeleteAccount.cshtml for organizations):
// asks first, then POSTs; the server's refusal comes back here as nuget.org's TempData error.
import { useActionState, useTransition } from "react";
import Link from "next/link";
import { idle, type ActionState } from "@/lib/action-state";
import { FormMessage } from "@/components/ui/field";
import { useConfirm } from "@/components/ui/confirm-dialog";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";
import { deleteOrganizationAction } from "@/app/organization/settings-actions";

export function DeleteOrganizationForm({ org, canDelete }: { org: string; canDelete: boolean }) {
  const [dialog, confirm] = useConfirm();
  const [state, remove, removing] = useActionState<ActionState>(deleteOrganizationAction.bind(null, org), idle);
  const [, startTransition] = useTransition();
  const submit = async () => {
    if (await confirm("Are you sure you want to continue to delete this organization?")) startTransition(() => remove());
  };
  return (
    <div className="space-y-3">
      {dialog}
      <FormMessage error={state.status === "error" ? state.message : undefined} />
      {canDelete && (
        <>
          <p>
            <strong>By proceeding, I understand that I am relinquishing my organization&apos;s ownership of any packages and any package ID prefix reservations.</strong>
          </p>
          <div className="flex gap-2">
            <button type="button" className={primaryButton} disabled={removing} onClick={() => void submit()}>
              Delete organization
            </button>
            <Link href={`/organization/${encodeURIComponent(org)}`} role="button" className={secondaryButton}>
              Cancel
            </Link>
          </div>
        </>
      )}
    </div>
  );
}
