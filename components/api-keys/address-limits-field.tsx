"use client";
// Address limits (beyond nuget.org): the CIDR ranges a key may be used from, one per line, in
// the Create wizard and in Edit. Checked on the server (lib/api-keys/address-limits.ts), whose
// message shows under the field; ranges seen in the key's recent use can be added in one click.
import { Field } from "@/components/ui/field";
import { linkButton } from "@/components/ui/button-styles";

const HINT = "Optional. IPv4 or IPv6 addresses or CIDR ranges, one per line (e.g. 203.0.113.0/24 or 2001:db8::/32), at most 20. Empty: any address.";

export function AddressLimitsField({
  id,
  value,
  onChange,
  error,
  suggestions = [],
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  suggestions?: string[];
}) {
  const present = new Set(value.split(/[\s,]+/).filter(Boolean));
  const missing = suggestions.filter((s) => !present.has(s) && !present.has(s.replace(/\/(32|128)$/, "")));
  return (
    <Field id={id} label="Allowed addresses" message={error} hint={HINT} className="mt-5">
      <textarea
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        rows={3}
        maxLength={4000}
        spellCheck={false}
        aria-invalid={!!error}
        aria-describedby={`${id}-hint ${id}-error`}
        className="mt-1 block w-full border border-[#8a8886] bg-white px-3 py-1 font-mono text-sm"
      />
      {missing.length > 0 ? (
        <p className="mt-1 text-sm" data-testid="address-suggestions">
          Seen in this key&apos;s recent use: {missing.join(", ")}{" "}
          <button type="button" className={linkButton} onClick={() => onChange([...value.split("\n").filter((l) => l.trim()), ...missing].join("\n"))}>
            Add {missing.length === 1 ? "it" : "them"}
          </button>
        </p>
      ) : null}
    </Field>
  );
}
