"use client";
// Roll (beyond nuget.org): choose how long the old secret keeps working, then get the new one,
// shown once with Copy as after Regenerate.
import { useState, useTransition } from "react";
import { rollKeyAction, type NewSecret } from "@/app/account/apikeys/actions";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";
import { ROW_ERRORS } from "./row-errors";
import { GRACE_HOURS, GRACE_LABELS, type GraceHours } from "@/lib/api-keys/roll-rules";


export function RollPanel({
  keyId,
  keyName,
  onRolled,
  onCancel,
  onError,
}: {
  keyId: string;
  keyName: string;
  onRolled: (secret: NewSecret) => void;
  onCancel: () => void;
  onError: (message: string | null) => void;
}) {
  const [grace, setGrace] = useState<GraceHours>(24);
  const [pending, startTransition] = useTransition();
  const id = `roll-${keyId}-grace`;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      try {
        const result = await rollKeyAction.bind(null, keyId)(grace);
        if (result.status === "ok") {
          onError(null);
          onRolled(result.data);
        } else onError((result.status === "error" && result.message) || ROW_ERRORS.roll);
      } catch {
        onError(ROW_ERRORS.roll);
      }
    });
  };

  return (
    <form onSubmit={submit} aria-label={`Roll ${keyName}`} className="mt-3 border border-gray-300 p-4 sm:px-6">
      <p>A new secret replaces this key&apos;s secret; name, owner, scopes, packages, expiry and address limits stay.</p>
      <label htmlFor={id} className="mt-2 block font-bold">
        Keep the old secret working for
      </label>
      <select
        id={id}
        value={grace}
        onChange={(e) => setGrace(Number(e.target.value) as GraceHours)}
        className="mt-1 block h-[34px] border border-[#8a8886] bg-white px-3 text-base"
      >
        {GRACE_HOURS.map((h) => (
          <option key={h} value={h}>
            {GRACE_LABELS[h]}
          </option>
        ))}
      </select>
      <div className="mt-3 flex gap-2">
        <button type="submit" disabled={pending} className={primaryButton}>
          Roll
        </button>
        <button type="button" disabled={pending} onClick={onCancel} className={secondaryButton}>
          Cancel
        </button>
      </div>
    </form>
  );
}
