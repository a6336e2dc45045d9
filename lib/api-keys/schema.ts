// zod schemas and FormData readers for the API key forms. Server-side only in practice (the
// page's client code applies the same rules through rules.ts, so zod stays out of the bundle).
import { z } from "zod";
import { env } from "@/lib/env";
import { MESSAGES, NAME_MAX, checkActions, checkSubjects, expiryOptions, resolveExpiry } from "./rules";
import { parseAddressLimits } from "./address-limits";

function refineWith<T>(check: (v: T) => { ok: true } | { ok: false; error: string }) {
  return (value: T, ctx: z.RefinementCtx) => {
    const r = check(value);
    if (!r.ok) ctx.addIssue({ code: "custom", message: r.error });
  };
}

const subjectsField = z.array(z.string().max(1000)).max(100_000).superRefine(refineWith(checkSubjects));

/** Address limits as typed (one range per line) → normalised ranges, [] for none. */
const allowedCidrsField = z.string().transform((text, ctx) => {
  const r = parseAddressLimits(text);
  if (r.ok) return r.ranges;
  ctx.addIssue({ code: "custom", message: r.error });
  return z.NEVER;
});

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
  allowedCidrs: allowedCidrsField,
});
export type CreateKeyForm = z.infer<typeof createKeySchema>;

/** allowedCidrs absent from the form: the key's limits are left as they are. */
export const editKeySchema = z.object({ subjects: subjectsField, allowedCidrs: allowedCidrsField.optional() });

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
    allowedCidrs: text(form, "allowedCidrs"),
  };
}

export function readEditForm(input: unknown) {
  const form = asForm(input);
  return { subjects: list(form, "subjects"), allowedCidrs: form.has("allowedCidrs") ? text(form, "allowedCidrs") : undefined };
}
