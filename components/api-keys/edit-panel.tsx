"use client";
// Edit (spec §1.5): only "Select Packages", with Save and Cancel, in a panel under the row.
import { useState, useTransition } from "react";
import { editKeyAction } from "@/app/account/apikeys/actions";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";
import type { KeyRowData } from "@/lib/api-keys/present";
import { subjectsToSend } from "@/lib/api-keys/picker";
import { MESSAGES } from "@/lib/api-keys/rules";
import { isValidGlob } from "@/lib/api-keys/scopes";
import { PackagePicker, loadIds, useOwnerPackages } from "./package-picker";
import { ROW_ERRORS } from "./row-errors";
import { AddressLimitsField } from "./address-limits-field";

export default function EditPanel({
  row,
  onDone,
  onCancel,
  onError,
  suggestion,
}: {
  row: KeyRowData;
  /** exact ids replacing the key's subjects (the security overview's narrowing); the user still saves */
  suggestion?: string[];
  onDone: (ok: boolean) => void;
  onCancel: () => void;
  onError: (message: string | null) => void;
}) {
  const [glob, setGlob] = useState(suggestion ? "" : (row.glob ?? ""));
  const [ticked, setTicked] = useState(() => new Set((suggestion ?? row.packageIds).map((id) => id.toLowerCase())));
  const [error, setError] = useState<string | undefined>();
  const [allowedCidrs, setAllowedCidrs] = useState(row.allowedCidrs.join("\n"));
  const [cidrError, setCidrError] = useState<string | undefined>();
  const [pending, startTransition] = useTransition();
  const { prepared, failed } = useOwnerPackages(row.ownerUsername, loadIds);

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    if (!isValidGlob(glob.trim())) return;
    const subjects = prepared ? subjectsToSend(prepared, glob, ticked) : [];
    if (subjects.length === 0) return setError(MESSAGES.subjectsRequired);
    const form = new FormData();
    for (const s of subjects) form.append("subjects", s);
    form.set("allowedCidrs", allowedCidrs);
    startTransition(async () => {
      try {
        const result = await editKeyAction.bind(null, row.id)(form);
        if (result.status === "ok") {
          onError(null);
          onDone(true);
        } else if (result.status === "error" && (result.fieldErrors?.subjects || result.fieldErrors?.allowedCidrs)) {
          setError(result.fieldErrors.subjects?.[0]);
          setCidrError(result.fieldErrors.allowedCidrs?.[0]);
        } else onError(ROW_ERRORS.edit);
      } catch {
        onError(ROW_ERRORS.edit);
      }
    });
  };

  return (
    <form onSubmit={save} noValidate aria-label={`Edit ${row.name}`} className="mt-3 border border-gray-300 p-4 sm:px-6">
      <PackagePicker
        idPrefix={`edit-${row.id}`}
        prepared={prepared}
        failed={failed}
        glob={glob}
        onGlobChange={(g) => {
          setGlob(g);
          setError(undefined);
        }}
        ticked={ticked}
        onTickedChange={(t) => {
          setTicked(t);
          setError(undefined);
        }}
        error={error}
      />
      <AddressLimitsField
        id={`edit-${row.id}-allowed-cidrs`}
        value={allowedCidrs}
        onChange={(v) => {
          setAllowedCidrs(v);
          setCidrError(undefined);
        }}
        error={cidrError}
        suggestions={row.addressSuggestions}
      />
      <div className="mt-3 flex gap-2">
        <button type="submit" disabled={pending || !prepared} className={primaryButton}>
          Save
        </button>
        <button type="button" disabled={pending} onClick={onCancel} className={secondaryButton}>
          Cancel
        </button>
      </div>
    </form>
  );
}
