"use client";
// One key on the Manage list (spec §1.3) with Copy / Edit / Regenerate / Delete / Revoke.
import { useState, useTransition } from "react";
import dynamic from "next/dynamic";
import { deleteKeyAction, regenerateKeyAction, revokeKeyAction, type NewSecret } from "@/app/account/apikeys/actions";
import { linkButton } from "@/components/ui/button-styles";
import type { KeyRowData } from "@/lib/api-keys/present";
import { CopyButton } from "./copy-button";
import { KeyIcon } from "./key-icon";
import { ROW_ERRORS } from "./row-errors";

// The picker (and its virtualiser) loads only when a row is edited: first-load JS stays small.
const EditPanel = dynamic(() => import("./edit-panel"), { ssr: false });

const CONFIRM = {
  regenerate: "Are you sure you want to regenerate the API key?",
  delete: "Are you sure you want to remove the API key?",
  revoke: "Are you sure you want to revoke the API key?",
} as const;

export function KeyRow({
  row,
  secret,
  confirm,
  onRegenerated,
  onRevoked,
  onError,
}: {
  row: KeyRowData;
  secret: string | undefined;
  confirm: (message: string) => Promise<boolean>;
  onRegenerated: (secret: NewSecret) => void;
  onRevoked: () => void;
  onError: (message: string | null) => void;
}) {
  const [showAll, setShowAll] = useState(false);
  const [editing, setEditing] = useState(false);
  const [pending, startTransition] = useTransition();
  const headingId = `key-${row.id}-name`;

  const run = (kind: "regenerate" | "delete" | "revoke") => async () => {
    if (!(await confirm(CONFIRM[kind]))) return;
    startTransition(async () => {
      try {
        if (kind === "regenerate") {
          const result = await regenerateKeyAction.bind(null, row.id)();
          if (result.status !== "ok") return onError(ROW_ERRORS[kind]);
          onError(null);
          return onRegenerated(result.data);
        }
        const result = await (kind === "delete" ? deleteKeyAction : revokeKeyAction).bind(null, row.id)();
        onError(result.status === "ok" ? null : ROW_ERRORS[kind]);
        if (result.status === "ok" && kind === "revoke") onRevoked();
      } catch {
        onError(ROW_ERRORS[kind]);
      }
    });
  };

  const packages = showAll ? row.packageIds : row.packageIds.slice(0, 3);
  return (
    <li aria-labelledby={headingId} data-state={row.state} className="flex gap-3 border-b border-gray-200 py-3">
      <KeyIcon state={secret ? "new" : row.state} />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-start justify-between gap-2">
          <h3 id={headingId} className="text-lg font-semibold break-all">
            {row.name}
          </h3>
          <div className="flex flex-wrap gap-3 text-sm" aria-label="Key actions">
            {secret ? <CopyButton secret={secret} /> : null}
            <button type="button" className={linkButton} disabled={pending} aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              Edit
            </button>
            <button type="button" className={linkButton} disabled={pending} onClick={run("regenerate")}>
              Regenerate
            </button>
            <button type="button" className={linkButton} disabled={pending} onClick={run("delete")}>
              Delete
            </button>
            {row.state === "active" ? (
              <button type="button" className={linkButton} disabled={pending} onClick={run("revoke")}>
                Revoke
              </button>
            ) : null}
          </div>
        </div>
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 text-sm">
          <dt className="sr-only">Status</dt>
          <dd className={`col-span-2 ${row.state === "active" ? "" : "font-semibold text-red-700"}`}>{row.statusText}</dd>
          <dt>Scopes:</dt>
          <dd>{row.scopesText}</dd>
          <dt>Package owner:</dt>
          <dd>{row.ownerUsername}</dd>
          {row.packageIds.length > 0 ? (
            <>
              <dt>Packages:</dt>
              <dd>
                {packages.join(", ")}
                {!showAll && row.packageIds.length > 3 ? (
                  <>
                    {", "}
                    <button type="button" className={linkButton} onClick={() => setShowAll(true)}>
                      more...
                    </button>
                  </>
                ) : null}
              </dd>
            </>
          ) : null}
          {row.glob ? (
            <>
              <dt>Glob pattern:</dt>
              <dd className="font-mono">{row.glob}</dd>
            </>
          ) : null}
          <dt>Created:</dt>
          <dd>
            <time dateTime={row.createdIso}>{row.createdText}</time>
          </dd>
          <dt>Last used:</dt>
          <dd>{row.lastUsedText}</dd>
        </dl>
        {editing ? (
          <EditPanel
            row={row}
            onDone={(ok) => {
              if (ok) setEditing(false);
            }}
            onCancel={() => setEditing(false)}
            onError={onError}
          />
        ) : null}
      </div>
    </li>
  );
}
