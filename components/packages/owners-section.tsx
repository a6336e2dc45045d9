"use client";
// The Owners section of a package's Manage page (_ManageOwners.cshtml, page-manage-owners.js):
// current owners with their markers and Remove links (disabled when nuget.org would not allow
// the removal), then the Add owner form. Removing yourself or your organization asks first.
import Link from "next/link";
import { useActionState, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { addOwnerAction, removeOwnerAction } from "@/app/packages/owner-actions";
import { idle, type ActionState } from "@/lib/action-state";
import { removeConfirmation } from "@/lib/packages/owner-rules";
import type { OwnerRow } from "@/lib/packages/owners";
import { useConfirm } from "@/components/ui/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { Collapsible } from "@/components/ui/collapsible";
import { inputClass } from "@/components/ui/field";
import { primaryButton } from "@/components/ui/button-styles";

export function OwnersSection({ packageId, owners }: { packageId: string; owners: OwnerRow[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(true);
  const [dialog, confirm] = useConfirm();
  const [added, addAction, adding] = useActionState<ActionState, FormData>(addOwnerAction.bind(null, packageId), idle);
  const [removed, setRemoved] = useState<ActionState>(idle);
  const [removing, startTransition] = useTransition();

  const remove = async (owner: OwnerRow) => {
    const question = removeConfirmation(owner);
    if (question && !(await confirm(question))) return;
    startTransition(async () => {
      setRemoved(await removeOwnerAction(packageId, owner.username));
      router.refresh();
    });
  };

  const state = removed.status !== "idle" ? removed : added;
  return (
    <Collapsible title="Owners" open={open} onToggle={setOpen}>
      {dialog}
      <div id="show-Owners-container" className="space-y-4">
        {state.status === "error" && (
          <Alert tone="danger" role="alert">
            {state.message}
          </Alert>
        )}
        <h3 className="font-bold">Current owners</h3>
        <ul aria-label="Current owners" className="divide-y divide-gray-200">
          {owners.map((o) => (
            <li key={`${o.pending}-${o.username}`} aria-label={o.username} className="flex items-center gap-3 py-2 text-xl">
              <span aria-hidden="true" className="inline-flex h-8 w-8 items-center justify-center rounded bg-nuget-bar text-base text-white">
                {o.username.slice(0, 1).toUpperCase()}
              </span>
              <span className="flex-1">
                <Link href={`/profiles/${encodeURIComponent(o.username)}`} className="text-nuget-link underline">
                  {o.username}
                </Link>{" "}
                <span className="italic">
                  {o.isYou && !o.isYourOrganization && "(that's you)"}
                  {o.isYourOrganization && "(your organization)"}
                  {o.pending && "(pending approval)"}
                </span>
              </span>
              {o.removable ? (
                <button type="button" disabled={removing} onClick={() => void remove(o)} aria-label={`Remove ${o.username} as owner of ${packageId}`} className="text-base text-nuget-link hover:underline">
                  ✕ Remove
                </button>
              ) : (
                <span
                  role="button"
                  aria-disabled="true"
                  aria-label={`You cannot remove ${o.username} as owner of ${packageId} because they are the only owner or they own the only reserved namespace`}
                  className="text-base text-gray-400"
                >
                  ✕ Remove
                </span>
              )}
            </li>
          ))}
        </ul>

        <h3 className="font-bold">Add owner</h3>
        <form
          action={(f) => {
            setRemoved(idle);
            addAction(f);
          }}
          aria-label="Add owner"
          className="max-w-xl space-y-3"
        >
          <p>Enter a username to add them as a package owner.</p>
          <Alert tone="info">Note: All package owners have full control over their packages, including the ability to remove other users as owners.</Alert>
          <div>
            <label htmlFor="newOwnerUserName" className="block font-semibold">
              Username
            </label>
            <input id="newOwnerUserName" name="username" aria-required="true" maxLength={256} className={inputClass} />
          </div>
          <div>
            <label htmlFor="newOwnerMessage" className="block font-semibold">
              Message
            </label>
            <textarea id="newOwnerMessage" name="message" rows={2} cols={50} maxLength={4000} className={inputClass} />
          </div>
          <button type="submit" className={`${primaryButton} w-full`} disabled={adding} aria-label={`Add the user as an owner to ${packageId}`}>
            Add
          </button>
        </form>
      </div>
    </Collapsible>
  );
}
