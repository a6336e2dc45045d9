"use client";
import { useActionState } from "react";
import { idle } from "@/lib/action-state";
import { PASSWORD_MIN } from "@/lib/accounts/rules";
import { TextField, FormMessage } from "@/components/ui/field";
import { SubmitButton } from "@/app/users/account/_components/submit-button";
import { changePasswordAction } from "../actions";

export function ChangePasswordForm() {
  const [state, action] = useActionState(changePasswordAction, idle);
  const errors = state.status === "error" ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-3" noValidate>
      <FormMessage error={state.status === "error" ? state.message : undefined} />
      <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" errors={errors?.currentPassword} />
      <TextField label="New password" name="newPassword" type="password" autoComplete="new-password" errors={errors?.newPassword} hint={`At least ${PASSWORD_MIN} characters.`} />
      <TextField label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" errors={errors?.confirmPassword} />
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}
