// One shape for every server action's answer: expected failures are return values.
import type { z } from "zod";

export type ActionState<T = undefined> =
  | { status: "idle" }
  | { status: "error"; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> }
  | { status: "ok"; data: T; message?: string };

export const idle = { status: "idle" } as const;

export function fromZodError(error: z.ZodError, values?: Record<string, string>): ActionState<never> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "_form");
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return { status: "error", fieldErrors, values };
}

export function fail(message: string, values?: Record<string, string>): ActionState<never> {
  return { status: "error", message, values };
}

/** An expected failure under one form field, or in the form's error area when it names none. */
export function failOn(field: string | null, message: string): ActionState<never> {
  return field ? { status: "error", fieldErrors: { [field]: [message] } } : fail(message);
}
