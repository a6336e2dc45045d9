"use client";
import { useActionState } from "react";
import { idle } from "@/lib/action-state";
import { PASSWORD_MIN } from "@/lib/accounts/rules";
import { Field, FormMessage } from "@/app/users/account/_components/field";
import { SubmitButton } from "@/app/users/account/_components/submit-button";
import { changePasswordAction } from "../actions";

export function ChangePasswordForm() {
  const [state, action] = useActionState(changePasswordAction, idle);
  const errors = state.status === "error" ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-3" noValidate>
      <FormMessage error={state.status === "error" ? state.message : undefined} />
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" errors={errors?.currentPassword} />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" errors={errors?.newPassword} hint={`At least ${PASSWORD_MIN} characters.`} />
      <Field label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" errors={errors?.confirmPassword} />
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}
