"use client";
// The interactive part of the API Keys page: the Create and Manage sections, the banners, and
// the just-created/regenerated values. Those values live only in this component's memory
// (never rendered, never stored); a reload or 10 minutes without activity drops them.
import dynamic from "next/dynamic";
import { useCallback, useEffect, useState } from "react";
import type { NewSecret } from "@/app/account/apikeys/actions";
import { Alert } from "@/components/ui/alert";
import { Collapsible } from "@/components/ui/collapsible";
import { useConfirm } from "@/components/ui/confirm-dialog";
import type { KeyRowData } from "@/lib/api-keys/present";
import { KeyRow } from "./key-row";
import { RowIconSprite } from "./row-icons";

// The wizard and its package picker load when Create is opened: first-load JS stays small.
const CreateKeyForm = dynamic(() => import("./create-key-form"), { ssr: false });

/** nuget.org's page-api-keys.js idle timeout. */
export const IDLE_MS = 10 * 60 * 1000;
const ACTIVITY = ["pointerdown", "keydown", "mousemove", "scroll", "touchstart"] as const;

type Notice = "created" | "regenerated" | "rolled" | null;

export function ApiKeysClient({
  rows,
  owners,
  expiryDays,
  defaultExpiryDays,
  revokedBanner,
  expiredBanner,
  narrow = null,
}: {
  rows: KeyRowData[];
  owners: string[];
  expiryDays: number[];
  defaultExpiryDays: number;
  revokedBanner: string | null;
  expiredBanner: string | null;
  /** the security overview's narrowing: open this key's Edit with these exact ids */
  narrow?: { keyId: string; subjects: string[] } | null;
}) {
  const [createOpen, setCreateOpen] = useState(false);
  const [manageOpen, setManageOpen] = useState(true);
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<Notice>(null);
  const [error, setError] = useState<string | null>(null);
  // keys created, regenerated or revoked in this visit, latest first: they lead the list
  const [touched, setTouched] = useState<string[]>([]);
  const bump = useCallback((id: string) => setTouched((t) => [id, ...t.filter((x) => x !== id)]), []);
  const [dialog, confirm] = useConfirm();

  const holding = Object.keys(secrets).length > 0;
  useEffect(() => {
    if (!holding) return;
    let timer = setTimeout(wipe, IDLE_MS);
    function wipe() {
      setSecrets({});
      setNotice(null);
    }
    const reset = () => {
      clearTimeout(timer);
      timer = setTimeout(wipe, IDLE_MS);
    };
    for (const e of ACTIVITY) window.addEventListener(e, reset, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const e of ACTIVITY) window.removeEventListener(e, reset);
    };
  }, [holding]);

  const hold = useCallback((s: NewSecret, kind: Exclude<Notice, null>, replaces?: string) => {
    setSecrets((prev) => {
      const next = { ...prev, [s.id]: s.plaintext };
      if (replaces) delete next[replaces]; // the regenerated key's old value is dead anyway
      return next;
    });
    setNotice(kind);
    bump(s.id);
  }, [bump]);

  return (
    <>
      <p className="font-semibold">
        Always keep your API keys a secret! If an API key is ever exposed, revoke it immediately and generate a new one to
        maintain security.
      </p>
      {error ? (
        <Alert tone="danger" role="alert" testId="api-keys-error">
          {error}
        </Alert>
      ) : null}

      <Collapsible title="Create" open={createOpen} onToggle={setCreateOpen}>
        {createOpen ? (
          <CreateKeyForm
            owners={owners}
            expiryDays={expiryDays}
            defaultExpiryDays={defaultExpiryDays}
            onCreated={(s) => {
              hold(s, "created");
              setCreateOpen(false);
              setManageOpen(true);
            }}
            onCancel={() => setCreateOpen(false)}
            onError={setError}
          />
        ) : null}
      </Collapsible>

      <Collapsible title="Manage" open={manageOpen} onToggle={setManageOpen}>
        {revokedBanner ? (
          <Alert tone="warning" testId="revoked-banner">
            {revokedBanner}
          </Alert>
        ) : null}
        {expiredBanner ? (
          <Alert tone="warning" testId="expired-banner">
            {expiredBanner}
          </Alert>
        ) : null}
        {notice === "created" ? (
          <Alert tone="warning" role="status" testId="created-banner">
            A new API key has been created. Make sure to copy your new API key now using the <strong>Copy</strong> button
            below. You will not be able to do so again.
          </Alert>
        ) : null}
        {notice === "regenerated" ? (
          <Alert tone="warning" role="status" testId="regenerated-banner">
            Your API key has been regenerated. Make sure to copy your new API key now using the <strong>Copy</strong> button
            below. You will not be able to do so again.
          </Alert>
        ) : null}
        {notice === "rolled" ? (
          <Alert tone="warning" role="status" testId="rolled-banner">
            Your API key has been rolled. Make sure to copy your new API key now using the <strong>Copy</strong> button
            below. You will not be able to do so again. The previous secret keeps working until the time shown on the key.
          </Alert>
        ) : null}
        {rows.length === 0 ? (
          <Alert tone="info">You don&apos;t have any API keys.</Alert>
        ) : (
          <>
            <RowIconSprite />
            <ul aria-label="API keys">
              {touchedFirst(rows, touched).map((row) => (
                <KeyRow
                  key={row.id}
                  row={row}
                  secret={secrets[row.id]}
                  confirm={confirm}
                  onRegenerated={(s) => hold(s, "regenerated", row.id)}
                  onRolled={(s) => hold(s, "rolled")}
                  onRevoked={() => bump(row.id)}
                  onError={setError}
                  suggestion={narrow?.keyId === row.id ? narrow.subjects : undefined}
                />
              ))}
            </ul>
          </>
        )}
      </Collapsible>
      {dialog}
    </>
  );
}

/**
 * Server order is newest first, then by name; like nuget.org's page, a key created,
 * regenerated or revoked during this visit moves to the top.
 */
function touchedFirst(rows: KeyRowData[], touched: string[]): KeyRowData[] {
  const rank = (id: string) => {
    const i = touched.indexOf(id);
    return i === -1 ? touched.length : i;
  };
  return [...rows].sort((a, b) => rank(a.id) - rank(b.id));
}
