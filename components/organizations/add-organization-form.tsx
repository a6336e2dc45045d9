"use client";
// nuget.org's Add Organization form (Views/Organizations/Add.cshtml): name and address, both
// required; the profile URL under the name follows what is typed.
import Link from "next/link";
import { useActionState, useState } from "react";
import { addOrganizationAction } from "@/app/organization/actions";
import { idle, type ActionState } from "@/lib/action-state";
import { USERNAME_MAX } from "@/lib/accounts/rules";
import { FormMessage, TextField, describedBy, Field } from "@/components/ui/field";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";

export function AddOrganizationForm({ origin }: { origin: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(addOrganizationAction, idle);
  const errors = state.status === "error" ? state.fieldErrors : undefined;
  const values = state.status === "error" ? state.values : undefined;
  const [name, setName] = useState(values?.organizationName ?? "");
  const hint = `This will be your organization account on ${origin}/profiles/${name.trim() || "your_name_here"}.`;
  return (
    <form action={action} aria-label="Add Organization" className="max-w-xl space-y-4" noValidate>
      <FormMessage error={state.status === "error" ? state.message : undefined} />
      <Field id="organizationName" label="Organization Name" message={errors?.organizationName?.join(" ")} hint={hint} className="space-y-1">
        <input
          id="organizationName"
          name="organizationName"
          required
          maxLength={USERNAME_MAX}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={errors?.organizationName ? true : undefined}
          aria-describedby={describedBy("organizationName", hint)}
          className="block w-full max-w-md rounded-none border border-gray-400 px-2 py-1.5"
        />
      </Field>
      <TextField
        label="Organization Email Address"
        name="emailAddress"
        type="email"
        defaultValue={values?.emailAddress}
        errors={errors?.emailAddress}
        hint="Users can contact your organization at this email address."
      />
      <div className="flex gap-2">
        <button type="submit" className={primaryButton} disabled={pending}>
          Add
        </button>
        <Link href="/account/Organizations" className={`${secondaryButton} hover:no-underline`}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
