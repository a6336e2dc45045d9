"use client";
// The renew page's confirmation: a duration, Renew, then the new value once, with the API Keys
// page's banner and Copy button. The value lives only in this component's state, never rendered.
import Link from "next/link";
import { useState, useTransition } from "react";
import type { NewSecret } from "@/app/account/apikeys/actions";
import type { ActionState } from "@/lib/action-state";
import { expiryLabel } from "@/lib/api-keys/rules";
import { Alert } from "@/components/ui/alert";
import { Field } from "@/components/ui/field";
import { primaryButton } from "@/components/ui/button-styles";
import { CopyButton } from "./copy-button";
import { RowIconSprite } from "./row-icons";
import { wizardInput } from "./form-styles";

export function RenewForm({
  keyName,
  durations,
  defaultDays,
  action,
}: {
  keyName: string;
  durations: number[];
  defaultDays: number;
  action: (form: FormData) => Promise<ActionState<NewSecret>>;
}) {
  const [days, setDays] = useState(String(durations.includes(defaultDays) ? defaultDays : durations[durations.length - 1]));
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [pending, start] = useTransition();

  if (secret) {
    return (
      <>
        <Alert tone="warning" role="status" testId="regenerated-banner">
          Your API key has been regenerated. Make sure to copy your new API key now using the <strong>Copy</strong> button
          below. You will not be able to do so again.
        </Alert>
        <RowIconSprite />
        <p className="flex flex-wrap items-center gap-4">
          <span className="font-semibold">{keyName}</span>
          <CopyButton secret={secret} />
          <Link href="/account/apikeys">Go to your API keys</Link>
        </p>
      </>
    );
  }

  return (
    <form
      data-testid="renew-form"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData();
        form.set("expiresInDays", days);
        setError(null);
        start(async () => {
          const r = await action(form);
          if (r.status === "ok") setSecret(r.data.plaintext);
          else if (r.status === "error") setError(r.message ?? "The key could not be renewed.");
        });
      }}
    >
      <p className="my-3">
        Renewing gives this key a new value with the same name, owner, scopes and packages. The current value stops
        working at once.
      </p>
      <Field id="renew-expires" label="Expires In" message={error ?? undefined} className="max-w-xs">
        <select
          id="renew-expires"
          name="expiresInDays"
          value={days}
          onChange={(e) => setDays(e.target.value)}
          aria-describedby="renew-expires-error"
          className={wizardInput}
        >
          {durations.map((d) => (
            <option key={d} value={d}>
              {expiryLabel(d)}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" className={`${primaryButton} mt-3`} disabled={pending}>
        Renew
      </button>
    </form>
  );
}
