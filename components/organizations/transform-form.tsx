"use client";
// nuget.org's Transform Account form (Views/Users/TransformToOrganization.cshtml): the account's
// name and address read-only, the administrator to name, and its confirm() before sending.
import Link from "next/link";
import { startTransition, useActionState } from "react";
import { requestTransformAction } from "@/app/account/transform/actions";
import { idle, type ActionState } from "@/lib/action-state";
import { USERNAME_MAX } from "@/lib/accounts/rules";
import { TRANSFORM_MESSAGES } from "@/lib/organizations/transform-rules";
import { Field, FormMessage, describedBy, inputClass } from "@/components/ui/field";
import { useConfirm } from "@/components/ui/confirm-dialog";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";

export function TransformForm({ username, email, refusal }: { username: string; email: string; refusal: string | null }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(requestTransformAction, idle);
  const [dialog, confirm] = useConfirm();
  const errors = state.status === "error" ? state.fieldErrors : undefined;
  const formError = state.status === "error" ? state.message : refusal ?? undefined;

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const admin = String(form.get("adminUsername") ?? "").trim();
    // an empty name goes straight to the server's "required"; a named admin is confirmed first
    if (admin && !(await confirm(TRANSFORM_MESSAGES.confirmation(admin, username)))) return;
    startTransition(() => action(form));
  };

  return (
    <form onSubmit={submit} aria-label="Transform Account" className="max-w-xl space-y-4" noValidate>
      {dialog}
      <FormMessage error={formError} />
      <Field id="organization" label="Organization" message={undefined} className="space-y-1">
        <input id="organization" value={username} readOnly aria-describedby={describedBy("organization")} className={inputClass + " bg-gray-100"} />
      </Field>
      <Field id="email" label="Email" message={undefined} className="space-y-1">
        <input id="email" value={email} readOnly aria-describedby={describedBy("email")} className={inputClass + " bg-gray-100"} />
      </Field>
      <Field id="adminUsername" label="Administrator" message={errors?.adminUsername?.join(" ")} className="space-y-1">
        <input
          id="adminUsername"
          name="adminUsername"
          required
          maxLength={USERNAME_MAX}
          placeholder="Add existing NuGet.org user"
          defaultValue={state.status === "error" ? state.values?.adminUsername : undefined}
          aria-invalid={errors?.adminUsername ? true : undefined}
          aria-describedby={describedBy("adminUsername")}
          className={inputClass}
        />
      </Field>
      <div className="flex gap-2">
        <button type="submit" className={primaryButton} disabled={pending}>
          Transform
        </button>
        <Link href="/account/Organizations" className={`${secondaryButton} hover:no-underline`}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
