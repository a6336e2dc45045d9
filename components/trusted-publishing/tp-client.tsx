"use client";
// The interactive part of the Trusted Publishing page: the Create (collapsed) and Manage
// (expanded) sections as on API Keys, the error area and the last action's message. Nothing
// secret is ever shown here, so there is no idle timer.
import dynamic from "next/dynamic";
import { useState } from "react";
import { RowIconSprite } from "@/components/api-keys/row-icons";
import { Alert } from "@/components/ui/alert";
import { Collapsible } from "@/components/ui/collapsible";
import { useConfirm } from "@/components/ui/confirm-dialog";
import type { ActionState } from "@/lib/action-state";
import type { PolicyRowData } from "@/lib/trusted-publishing/present";
import { PolicyRow } from "./policy-row";

const PolicyForm = dynamic(() => import("./policy-form"), { ssr: false });

export function TrustedPublishingClient({ owners, rows }: { owners: string[]; rows: PolicyRowData[] }) {
  const [createOpen, setCreateOpen] = useState(false);
  const [manageOpen, setManageOpen] = useState(true);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const [dialog, confirm] = useConfirm();
  const onResult = (r: ActionState<string>) => {
    if (r.status === "ok") setResult({ ok: true, message: r.message ?? "" });
    else if (r.status === "error") setResult({ ok: false, message: r.message ?? Object.values(r.fieldErrors ?? {}).flat().join(" ") });
  };

  return (
    <>
      {result && !result.ok ? (
        <Alert tone="danger" role="alert" testId="tp-error">
          {result.message}
        </Alert>
      ) : null}
      {result?.ok && result.message ? (
        <Alert tone="success" role="status" testId="tp-message">
          {result.message}
        </Alert>
      ) : null}

      {owners.length > 0 ? (
        <Collapsible title="Create" open={createOpen} onToggle={setCreateOpen}>
          {createOpen ? (
            <PolicyForm
              owners={owners}
              onDone={(message) => {
                setResult({ ok: true, message });
                setCreateOpen(false);
                setManageOpen(true);
              }}
              onCancel={() => setCreateOpen(false)}
            />
          ) : null}
        </Collapsible>
      ) : null}

      <Collapsible title="Manage" open={manageOpen} onToggle={setManageOpen}>
        {rows.length === 0 ? (
          <Alert tone="info">You don&apos;t have any Trusted Publisher Policies.</Alert>
        ) : (
          <>
            <RowIconSprite />
            <ul aria-label="Trusted Publisher Policies">
              {rows.map((row) => (
                <PolicyRow key={row.id} row={row} confirm={confirm} onResult={onResult} />
              ))}
            </ul>
          </>
        )}
      </Collapsible>
      {dialog}
    </>
  );
}
