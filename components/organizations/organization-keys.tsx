"use client";
// The organization's key list (/organization/{name}/apikeys): one row per key with its creator,
// scopes, packages or glob, dates and state (a leak's, a roll's overlap, address limits), and
// Revoke (after a confirmation) on active keys.
// Rows carry no secret: the server never had one to give.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { revokeOrganizationKeyAction } from "@/app/organization/[name]/apikeys/actions";
import type { ActionState } from "@/lib/action-state";
import type { KeyRowData } from "@/lib/api-keys/present";
import { useConfirm } from "@/components/ui/confirm-dialog";
import { Alert } from "@/components/ui/alert";
import { linkButton } from "@/components/ui/button-styles";
import { LeakDetails, OverlapDetails } from "@/components/api-keys/key-notes";

export type OrganizationKeyRow = KeyRowData & {
  creatorUsername: string;
  /** the creator is no longer a member: the key cannot be used (#5872) */
  creatorLeft: boolean;
  expiresText: string;
  expiresIso: string;
  /** who revoked it, in words, when revoked by a person (a leak's revocation has row.leak) */
  revokedBy: string | null;
};

export function OrganizationKeys({ org, rows }: { org: string; rows: OrganizationKeyRow[] }) {
  const router = useRouter();
  const [dialog, confirm] = useConfirm();
  const [pending, startTransition] = useTransition();
  const [state, setState] = useState<ActionState>({ status: "idle" });

  const revoke = async (row: OrganizationKeyRow) => {
    if (!(await confirm(`Are you sure you want to revoke the API key '${row.name}' of ${row.creatorUsername}? It stops working at once, and ${row.creatorUsername} is told by email.`))) return;
    startTransition(async () => {
      setState(await revokeOrganizationKeyAction(org, row.id));
      router.refresh();
    });
  };

  if (rows.length === 0) return <p>No API key acts for this organization.</p>;
  return (
    <>
      {dialog}
      {state.status === "error" ? (
        <Alert tone="danger" role="alert">
          {state.message}
        </Alert>
      ) : state.status === "ok" ? (
        <Alert tone="success" role="status">
          {state.message}
        </Alert>
      ) : null}
      <p>{rows.length === 1 ? "1 API key" : `${rows.length} API keys`}</p>
      <div className="overflow-x-auto">
        <table aria-label="Organization API keys" className="w-full border-collapse text-left text-sm [&_td]:border-b [&_td]:border-gray-200 [&_td]:px-2 [&_td]:py-2 [&_td]:align-top [&_th]:px-2 [&_th]:py-2">
          <thead>
            <tr className="border-b-2 border-gray-300">
              <th scope="col">Key</th>
              <th scope="col">Created by</th>
              <th scope="col">Scopes</th>
              <th scope="col">Packages</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id} data-state={row.state} aria-label={row.name}>
                <td className="font-semibold wrap-anywhere">
                  {row.name}
                  <div className={`font-normal ${row.state === "active" ? "" : "text-[#a80000]"}`}>
                    {row.state !== "revoked" ? (
                      row.statusText
                    ) : row.leak ? (
                      <>
                        Revoked due to a potential leak: <LeakDetails leak={row.leak} />
                      </>
                    ) : (
                      `Revoked${row.revokedBy ? ` by ${row.revokedBy}` : ""}`
                    )}
                  </div>
                  {/* beyond nuget.org, as on the creator's API Keys row: a roll's overlap, address limits */}
                  {row.overlap ? (
                    <div className="font-normal">
                      Previous secret <OverlapDetails overlap={row.overlap} />
                    </div>
                  ) : null}
                  {row.allowedCidrs.length > 0 ? <div className="font-normal">Allowed addresses: {row.allowedCidrs.join(", ")}</div> : null}
                </td>
                <td>
                  {row.creatorUsername}
                  {row.creatorLeft ? <div className="text-[#a80000]">No longer a member: this key cannot be used</div> : null}
                </td>
                <td>{row.scopesText}</td>
                <td className="wrap-anywhere">
                  {row.glob ? <div>Glob pattern: {row.glob}</div> : null}
                  {row.packageIds.length > 0 ? <div>{row.packageIds.join(", ")}</div> : null}
                </td>
                <td>
                  <time dateTime={row.createdIso}>{row.createdText}</time>
                </td>
                <td>
                  <time dateTime={row.expiresIso}>{row.expiresText}</time>
                </td>
                <td>{row.lastUsedText}</td>
                <td>
                  {row.state === "active" ? (
                    <button type="button" className={linkButton} disabled={pending} aria-label={`Revoke ${row.name}`} onClick={() => revoke(row)}>
                      Revoke
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
