"use client";
import { useActionState } from "react";
import { idle } from "@/lib/action-state";
import { TextField, FormMessage } from "@/components/ui/field";
import { SubmitButton } from "../_components/submit-button";
import { signInAction } from "./actions";

export function SignInForm({ returnUrl }: { returnUrl: string }) {
  const [state, action] = useActionState(signInAction, idle);
  const error = state.status === "error" ? state : undefined;
  return (
    <form action={action} className="space-y-3" noValidate>
      <FormMessage error={error?.message} />
      <input type="hidden" name="returnUrl" value={returnUrl} />
      <TextField label="Username or email" name="login" autoComplete="username" defaultValue={error?.values?.login} errors={error?.fieldErrors?.login} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" errors={error?.fieldErrors?.password} />
      <SubmitButton>Sign in</SubmitButton>
    </form>
  );
}
