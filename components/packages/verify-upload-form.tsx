"use client";
// Upload Package, step 2's form: for a new id, the owner to publish as (the user or one of their
// organizations), then Submit or Cancel. A refusal (someone took the id or version meanwhile …)
// is shown above the buttons. Focus moves to the Verify heading when the step appears, so a
// keyboard or screen-reader user lands on what changed.
import { useActionState, useEffect } from "react";
import { cancelUploadAction, submitUploadAction } from "@/app/packages/manage/upload/actions";
import { idle, type ActionState } from "@/lib/action-state";
import { describedBy, Field } from "@/components/ui/field";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";

export function VerifyUploadForm({
  uploadId,
  owners,
  chooseOwner,
  refusal,
}: {
  uploadId: string;
  owners: string[];
  /** a new id: the owner is chosen here; an existing id keeps its owners */
  chooseOwner: boolean;
  /** why it cannot be submitted now, if so */
  refusal: string | null;
}) {
  const [state, submit, submitting] = useActionState<ActionState, FormData>(submitUploadAction.bind(null, uploadId), idle);
  const cancel = cancelUploadAction.bind(null, uploadId);
  const error = refusal ?? (state.status === "error" ? state.message : undefined);

  useEffect(() => {
    document.getElementById("verify-heading")?.focus();
  }, []);

  return (
    <div className="space-y-3">
      <form action={submit} aria-label="Submit the package" className="space-y-3">
        {chooseOwner && (
          <Field id="owner" label="Owner" message={undefined} hint="The account the new package ID will belong to." className="space-y-1">
            <select id="owner" name="owner" aria-describedby={describedBy("owner", "The account the new package ID will belong to.")} className="block rounded-none border border-gray-400 px-2 py-1.5">
              {owners.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </Field>
        )}
        <p id="submit-error" role={error ? "alert" : undefined} aria-live="polite" className="text-red-700">
          {error ?? ""}
        </p>
        <div className="flex gap-2">
          <button type="submit" className={primaryButton} disabled={submitting || refusal !== null} aria-describedby="submit-error">
            Submit
          </button>
          <button type="submit" formAction={cancel} formNoValidate className={secondaryButton} disabled={submitting}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
