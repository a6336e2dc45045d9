"use client";
import { useActionState } from "react";
import { idle } from "@/lib/action-state";
import { PASSWORD_MIN } from "@/lib/accounts/rules";
import { TextField, FormMessage } from "@/components/ui/field";
import { SubmitButton } from "../_components/submit-button";
import { registerAction } from "./actions";

export function RegisterForm({ returnUrl }: { returnUrl: string }) {
  const [state, action] = useActionState(registerAction, idle);
  const error = state.status === "error" ? state : undefined;
  return (
    <form action={action} className="space-y-3" noValidate>
      <FormMessage error={error?.message} />
      <input type="hidden" name="returnUrl" value={returnUrl} />
      <TextField label="Email" name="email" type="email" autoComplete="email" defaultValue={error?.values?.email} errors={error?.fieldErrors?.email} />
      <TextField
        label="Username"
        name="username"
        autoComplete="username"
        defaultValue={error?.values?.username}
        errors={error?.fieldErrors?.username}
        hint="Letters, numbers, periods, underscores and hyphens; at most 64 characters."
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        errors={error?.fieldErrors?.password}
        hint={`At least ${PASSWORD_MIN} characters.`}
      />
      <SubmitButton>Register</SubmitButton>
    </form>
  );
}
