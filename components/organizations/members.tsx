"use client";
// The Members section of the organization page (_OrganizationAccountManageMembers.cshtml and
// page-manage-organization.js): the add form and role selects for administrators, a delete
// button on every row for them and on one's own row for collaborators.
import { useActionState, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { cancelInvitationAction, changeRoleAction, inviteMemberAction, removeMemberAction } from "@/app/organization/actions";
import { resendInvitationAction } from "@/app/organization/settings-actions";
import { idle, type ActionState } from "@/lib/action-state";
import { useConfirm } from "@/components/ui/confirm-dialog";
import { FormMessage, inputClass } from "@/components/ui/field";
import { primaryButton } from "@/components/ui/button-styles";
import type { OrganizationView } from "@/lib/organizations/store";

const ROLE_TEXT = {
  admin: "An administrator can manage the organization's memberships and its packages.",
  collaborator: "A collaborator can manage the organization's packages but cannot manage the organization's memberships.",
};

export function Members({ org, me }: { org: OrganizationView; me: string }) {
  const router = useRouter();
  const [dialog, confirm] = useConfirm();
  const [added, addAction, adding] = useActionState<ActionState, FormData>(inviteMemberAction.bind(null, org.username), idle);
  const [rowState, setRowState] = useState<ActionState>(idle);
  const [busy, startTransition] = useTransition();
  const [addRole, setAddRole] = useState("false");

  const run = (work: () => Promise<ActionState>) =>
    startTransition(async () => {
      const result = await work();
      setRowState(result);
      router.refresh();
    });

  const remove = async (m: OrganizationView["members"][number]) => {
    const self = m.username.toLowerCase() === me.toLowerCase();
    if (m.pending) return run(() => cancelInvitationAction(org.username, m.username));
    const question = self
      ? "Are you sure you want to leave this organization? You will no longer be able to manage it or its packages if you do."
      : `Are you sure you want to delete member '${m.username}'?`;
    if (await confirm(question)) run(() => removeMemberAction(org.username, m.username));
  };

  const state = rowState.status !== "idle" ? rowState : added;
  const admins = org.members.filter((m) => !m.pending && m.isAdmin).length;
  const collaborators = org.members.filter((m) => !m.pending && !m.isAdmin).length;
  return (
    <section aria-labelledby="members-heading" className="space-y-3">
      {dialog}
      <h2 id="members-heading" className="text-2xl font-light">
        Members <span className="text-base text-gray-600">{`${admins} ${admins === 1 ? "Admin" : "Admins"} | ${collaborators} ${collaborators === 1 ? "Collaborator" : "Collaborators"}`}</span>
      </h2>
      {state.status === "error" ? <FormMessage error={state.message} /> : state.status === "ok" && state.message ? <FormMessage ok={state.message} /> : <p>{addRole === "true" ? ROLE_TEXT.admin : ROLE_TEXT.collaborator} Learn more.</p>}
      {org.isAdmin && (
        <form action={(f) => (setRowState(idle), addAction(f))} aria-label="Add member" className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col">
            <span className="sr-only">Enter username to add member</span>
            <input name="memberName" placeholder="Add existing NuGet.org user" aria-label="Enter username to add member" className={inputClass} />
          </label>
          <select name="isAdmin" aria-label="Add member role" value={addRole} onChange={(e) => setAddRole(e.target.value)} className={inputClass + " w-auto"}>
            <option value="true">Administrator</option>
            <option value="false">Collaborator</option>
          </select>
          <button type="submit" className={primaryButton} disabled={adding}>
            Add
          </button>
        </form>
      )}
      <table className="w-full text-left" aria-label="Members">
        <thead>
          <tr>
            <th>Member</th>
            <th>Select role</th>
            <th>Delete Member</th>
          </tr>
        </thead>
        <tbody>
          {org.members.map((m) => {
            const self = m.username.toLowerCase() === me.toLowerCase();
            return (
              <tr key={`${m.pending}-${m.username}`} aria-label={m.username}>
                <td>
                  {m.username} {self && <em>(that&apos;s you)</em>} {m.pending && <em>(pending)</em>} {m.expired && <em>(expired)</em>}
                  {org.isAdmin && m.expired && (
                    <button type="button" disabled={busy} onClick={() => run(() => resendInvitationAction(org.username, m.username))} aria-label={`Resend invitation to ${m.username}`} className="ml-2 text-nuget-link hover:underline">
                      Resend
                    </button>
                  )}
                </td>
                <td>
                  {org.isAdmin && !m.pending ? (
                    <select
                      aria-label={`Role of ${m.username}`}
                      value={String(m.isAdmin)}
                      disabled={busy}
                      onChange={(e) => run(() => changeRoleAction(org.username, m.username, e.target.value === "true"))}
                      className={inputClass + " w-auto"}
                    >
                      <option value="true">Administrator</option>
                      <option value="false">Collaborator</option>
                    </select>
                  ) : m.isAdmin ? (
                    "Administrator"
                  ) : (
                    "Collaborator"
                  )}
                </td>
                <td>
                  {(org.isAdmin || self) && (
                    <button type="button" disabled={busy} onClick={() => void remove(m)} aria-label={self ? "Leave organization" : `Delete member ${m.username}`} className="text-red-700">
                      ✗
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
