// Form rules for accounts, shared by the server actions and their tests. The username rule and
// messages are nuget.org's (RegisterViewModel): letters, digits, `_ . -`, starting and ending
// with a letter or digit, at most 64 characters.
import { z } from "zod";
import { EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX } from "./rules";

/** nuget.org's pattern, matched against the whole name (so at least 3 characters). */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]+[A-Za-z0-9]$/;
export const USERNAME_MESSAGE =
  "User names must start and end with a letter or number, and may only contain letters, numbers, underscores, periods, and hyphens in between.";
export const EMAIL_MESSAGE = "This doesn't appear to be a valid email address.";

const username = z
  .string()
  .trim()
  .min(1, "Username is required.")
  .min(3, "Username must be at least 3 characters.")
  .max(USERNAME_MAX, `Username must be at most ${USERNAME_MAX} characters.`)
  .regex(USERNAME_PATTERN, USERNAME_MESSAGE);

const email = z
  .string()
  .trim()
  .min(1, "Email is required.")
  .max(EMAIL_MAX, `Email must be at most ${EMAIL_MAX} characters.`)
  .pipe(z.email(EMAIL_MESSAGE))
  .transform((e) => e.toLowerCase());

const newPassword = z
  .string()
  .min(PASSWORD_MIN, `Passwords must be at least ${PASSWORD_MIN} characters long.`)
  .max(PASSWORD_MAX, `Passwords must be at most ${PASSWORD_MAX} characters long.`);

export const registerSchema = z.object({ username, email, password: newPassword });
export type RegisterInput = z.infer<typeof registerSchema>;

export const signInSchema = z.object({
  login: z.string().trim().min(1, "Enter your username or email address.").max(EMAIL_MAX, "The username or password provided is incorrect."),
  password: z.string().min(1, "Enter your password.").max(PASSWORD_MAX, "The username or password provided is incorrect."),
});

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password.").max(PASSWORD_MAX, "The current password is incorrect."),
    newPassword,
    confirmPassword: z.string().max(PASSWORD_MAX),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The new passwords do not match." });

/** Longest value read from any form field: anything longer is cut before validation. */
const FIELD_MAX = 4096;

/**
 * A form field as text, whatever was posted: a missing field, a file or anything that is
 * not a string becomes "", and an oversized value is cut (the schema then rejects it).
 */
export function formText(form: unknown, name: string): string {
  if (!(form instanceof FormData)) return "";
  const v = form.get(name);
  return typeof v === "string" ? v.slice(0, FIELD_MAX) : "";
}
