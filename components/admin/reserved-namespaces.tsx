"use client";
// The admin Reserved Namespaces page's body: the reserve form, then each reservation with its
// owners (remove), an add-owner form and a delete button. One message area for every action.
import { useActionState, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import {
  addReservationOwnerAction,
  removeReservationOwnerAction,
  reserveNamespaceAction,
  unreserveNamespaceAction,
} from "@/app/admin/ReservedNamespaces/actions";
import { idle, type ActionState } from "@/lib/action-state";
import type { ReservationRow } from "@/lib/admin/reserved-namespaces";
import { useConfirm } from "@/components/ui/confirm-dialog";
import { FormMessage, inputClass } from "@/components/ui/field";
import { linkButton, primaryButton, secondaryButton } from "@/components/ui/button-styles";

export function ReservedNamespaces({ rows }: { rows: ReservationRow[] }) {
  const router = useRouter();
  const [dialog, confirm] = useConfirm();
  const [reserved, reserveAction, reserving] = useActionState<ActionState, FormData>(reserveNamespaceAction, idle);
  const [rowState, setRowState] = useState<ActionState>(idle);
  const [busy, startTransition] = useTransition();

  const run = (work: () => Promise<ActionState>) =>
    startTransition(async () => {
      setRowState(await work());
      router.refresh();
    });

  const state = rowState.status !== "idle" ? rowState : reserved;
  return (
    <section aria-label="Reserved namespaces" className="space-y-4">
      {dialog}
      {state.status === "error" ? <FormMessage error={state.message} /> : state.status === "ok" ? <FormMessage ok={state.message} /> : null}
      <form action={(f) => (setRowState(idle), reserveAction(f))} aria-label="Reserve namespace" className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col">
          <span className="font-semibold">Namespace</span>
          <input name="value" required maxLength={100} placeholder="Contoso." className={inputClass + " w-72"} />
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="isPrefix" value="true" defaultChecked /> Prefix
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="isShared" value="true" /> Shared namespace
        </label>
        <button type="submit" className={primaryButton} disabled={reserving}>
          Reserve
        </button>
      </form>
      {rows.length === 0 ? (
        <p>No namespace is reserved.</p>
      ) : (
        <table className="w-full text-left" aria-label="Reservations">
          <thead>
            <tr>
              <th>Namespace</th>
              <th>Type</th>
              <th>Shared</th>
              <th>Owners</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.value}-${r.isPrefix}`} aria-label={r.value} className="border-t border-gray-200 align-top">
                <td className="py-2 font-mono">{r.value}</td>
                <td className="py-2">{r.isPrefix ? "Prefix" : "Exact"}</td>
                <td className="py-2">{r.isShared ? "Yes" : "No"}</td>
                <td className="space-y-1 py-2">
                  {r.owners.length === 0 && <p className="text-gray-600">No owners</p>}
                  <ul>
                    {r.owners.map((o) => (
                      <li key={o.username} className="flex items-center gap-2">
                        <span>
                          {o.username}
                          {o.isOrganization && <em className="text-gray-600"> (organization)</em>}
                        </span>
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() => run(() => removeReservationOwnerAction(r.value, o.username))}
                          aria-label={`Remove owner ${o.username} from ${r.value}`}
                          className={linkButton}
                        >
                          Remove
                        </button>
                      </li>
                    ))}
                  </ul>
                  <form
                    aria-label={`Add owner to ${r.value}`}
                    className="flex gap-2"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const form = new FormData(e.currentTarget);
                      e.currentTarget.reset();
                      run(() => addReservationOwnerAction(r.value, idle, form));
                    }}
                  >
                    <input name="username" required maxLength={64} placeholder="Username or organization" aria-label={`New owner of ${r.value}`} className={inputClass + " mt-0 w-56"} />
                    <button type="submit" disabled={busy} className={secondaryButton}>
                      Add owner
                    </button>
                  </form>
                </td>
                <td className="py-2">
                  <button
                    type="button"
                    disabled={busy}
                    onClick={async () => {
                      if (await confirm(`Are you sure you want to delete the namespace '${r.value}'?`)) run(() => unreserveNamespaceAction(r.value));
                    }}
                    aria-label={`Delete ${r.value}`}
                    className="text-red-700"
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
