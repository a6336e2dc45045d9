"use client";
// One key on the Manage list (spec §1.3) with Copy / Edit / Regenerate / Delete / Revoke.
import { useState, useTransition } from "react";
import {
  deleteKeyAction,
  editKeyAction,
  regenerateKeyAction,
  revokeKeyAction,
  type NewSecret,
} from "@/app/account/apikeys/actions";
import { linkButton, primaryButton, secondaryButton } from "@/components/ui/button-styles";
import type { KeyRowData } from "@/lib/api-keys/present";
import { subjectsToSend } from "@/lib/api-keys/picker";
import { MESSAGES } from "@/lib/api-keys/rules";
import { isValidGlob } from "@/lib/api-keys/scopes";
import { CopyButton } from "./copy-button";
import { loadIds } from "./create-key-form";
import { KeyIcon } from "./key-icon";
import { PackagePicker, useOwnerPackages } from "./package-picker";

export const ROW_ERRORS = {
  edit: "An error occurred while editing an API key. Please try again.",
  regenerate: "An error occurred while regenerating the API key. Please try again.",
  delete: "An error occurred while deleting the API key. Please try again.",
  revoke: "An error occurred while revoking the API key. Please try again.",
} as const;

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
  onError,
}: {
  row: KeyRowData;
  secret: string | undefined;
  confirm: (message: string) => Promise<boolean>;
  onRegenerated: (secret: NewSecret) => void;
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
          <dt>
            <span aria-hidden="true">👁</span> Scopes:
          </dt>
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
          <dt className="sr-only">Last used</dt>
          <dd className="col-span-2 text-gray-600">{row.lastUsedText}</dd>
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

function EditPanel({
  row,
  onDone,
  onCancel,
  onError,
}: {
  row: KeyRowData;
  onDone: (ok: boolean) => void;
  onCancel: () => void;
  onError: (message: string | null) => void;
}) {
  const [glob, setGlob] = useState(row.glob ?? "");
  const [ticked, setTicked] = useState(() => new Set(row.packageIds.map((id) => id.toLowerCase())));
  const [error, setError] = useState<string | undefined>();
  const [pending, startTransition] = useTransition();
  const { prepared } = useOwnerPackages(row.ownerUsername, loadIds);

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    if (!isValidGlob(glob.trim())) return;
    const subjects = prepared ? subjectsToSend(prepared, glob, ticked) : [];
    if (subjects.length === 0) return setError(MESSAGES.subjectsRequired);
    const form = new FormData();
    for (const s of subjects) form.append("subjects", s);
    startTransition(async () => {
      try {
        const result = await editKeyAction.bind(null, row.id)(form);
        if (result.status === "ok") {
          onError(null);
          onDone(true);
        } else if (result.status === "error" && result.fieldErrors?.subjects) setError(result.fieldErrors.subjects[0]);
        else onError(ROW_ERRORS.edit);
      } catch {
        onError(ROW_ERRORS.edit);
      }
    });
  };

  return (
    <form onSubmit={save} noValidate aria-label={`Edit ${row.name}`} className="mt-3 rounded border border-gray-300 p-3">
      <PackagePicker
        idPrefix={`edit-${row.id}`}
        prepared={prepared}
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
