// zod schemas and FormData readers for the API key forms. Server-side only in practice (the
// page's client code applies the same rules through rules.ts, so zod stays out of the bundle).
import { z } from "zod";
import { env } from "@/lib/env";
import { MESSAGES, NAME_MAX, checkActions, checkSubjects, expiryOptions, resolveExpiry } from "./rules";

function refineWith<T>(check: (v: T) => { ok: true } | { ok: false; error: string }) {
  return (value: T, ctx: z.RefinementCtx) => {
    const r = check(value);
    if (!r.ok) ctx.addIssue({ code: "custom", message: r.error });
  };
}

const subjectsField = z.array(z.string().max(1000)).max(100_000).superRefine(refineWith(checkSubjects));

// A request that reaches the server without a name or an owner got past the page's own checks
// (whose messages are nameRequired and ownerRequired): it gets nuget.org's server texts
// (GenerateApiKey's 400 answers), as on nuget.org.
export const createKeySchema = z.object({
  name: z.string().trim().min(1, MESSAGES.nameBlankServer).max(NAME_MAX, MESSAGES.nameTooLong),
  // nuget.org: a missing or non-numeric value means the default (largest) option
  expiresInDays: z
    .string()
    .trim()
    .transform((s) => (/^-?\d+$/.test(s) ? Number(s) : null))
    .superRefine((v, ctx) => {
      const r = resolveExpiry(v, expiryOptions(env().API_KEY_EXPIRY_DAYS));
      if (!r.ok) ctx.addIssue({ code: "custom", message: r.error });
    }),
  owner: z.string().trim().min(1, MESSAGES.ownerBlankServer).max(NAME_MAX),
  actions: z.array(z.string().max(64)).max(10).superRefine(refineWith(checkActions)),
  subjects: subjectsField,
});
export type CreateKeyForm = z.infer<typeof createKeySchema>;

export const editKeySchema = z.object({ subjects: subjectsField });

function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
}

function list(form: FormData, name: string): string[] {
  return form.getAll(name).filter((v): v is string => typeof v === "string");
}

/** An action argument is client input: anything but FormData reads as an empty form. */
function asForm(input: unknown): FormData {
  return input instanceof FormData ? input : new FormData();
}

/** The create request as the page sends it: name, expiresInDays, owner, actions[], subjects[]. */
export function readCreateForm(input: unknown) {
  const form = asForm(input);
  return {
    name: text(form, "name"),
    expiresInDays: text(form, "expiresInDays"),
    owner: text(form, "owner"),
    actions: list(form, "actions"),
    subjects: list(form, "subjects"),
  };
}

export function readEditForm(input: unknown) {
  return { subjects: list(asForm(input), "subjects") };
}
