"use client";
// One key on the Manage list (spec §1.3) with Copy / Edit / Regenerate / Delete / Revoke, and
// beyond nuget.org Roll (a new secret while the old one works for a grace) and address limits.
import { useState, useTransition } from "react";
import dynamic from "next/dynamic";
import Link from "next/link";
import { deleteKeyAction, endOverlapAction, regenerateKeyAction, revokeKeyAction, type NewSecret } from "@/app/account/apikeys/actions";
import { iconLinkButton, linkButton } from "@/components/ui/button-styles";
import type { KeyRowData } from "@/lib/api-keys/present";
import { CopyButton } from "./copy-button";
import { KeyActivity } from "./key-activity";
import { KeyIcon } from "./key-icon";
import { LeakDetails, OverlapDetails } from "./key-notes";
import { RowIcon } from "./row-icons";
import { ROW_ERRORS } from "./row-errors";
import { RollPanel } from "./roll-panel";

// The picker (and its virtualiser) loads only when a row is edited: first-load JS stays small.
const EditPanel = dynamic(() => import("./edit-panel"), { ssr: false });

const CONFIRM = {
  regenerate: "Are you sure you want to regenerate the API key?",
  delete: "Are you sure you want to remove the API key?",
  revoke: "Are you sure you want to revoke the API key?",
  endOverlap: "End the overlap now? The previous secret stops working at once.",
} as const;

export function KeyRow({
  row,
  secret,
  confirm,
  onRegenerated,
  onRolled,
  onRevoked,
  onError,
  suggestion,
}: {
  row: KeyRowData;
  secret: string | undefined;
  confirm: (message: string) => Promise<boolean>;
  onRegenerated: (secret: NewSecret) => void;
  onRolled: (secret: NewSecret) => void;
  onRevoked: () => void;
  onError: (message: string | null) => void;
  /** the security overview's suggested exact ids: Edit opens prefilled with them */
  suggestion?: string[];
}) {
  const [showAll, setShowAll] = useState(false);
  const [editing, setEditing] = useState(suggestion !== undefined);
  const [rolling, setRolling] = useState(false);
  // a new suggestion (the overview's link followed again) opens Edit: state adjusted in render
  const suggested = suggestion?.join("\n");
  const [seen, setSeen] = useState(suggested);
  if (seen !== suggested) {
    setSeen(suggested);
    if (suggested !== undefined) setEditing(true);
  }
  const [pending, startTransition] = useTransition();
  const headingId = `key-${row.id}-name`;

  const run = (kind: "regenerate" | "delete" | "revoke" | "endOverlap") => async () => {
    if (!(await confirm(CONFIRM[kind]))) return;
    startTransition(async () => {
      try {
        if (kind === "endOverlap") {
          const result = await endOverlapAction.bind(null, row.id)();
          return onError(result.status === "ok" ? null : (result.status === "error" && result.message) || ROW_ERRORS.endOverlap);
        }
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
    <li aria-labelledby={headingId} data-state={row.state} className="flex gap-4 border-b border-gray-200 py-4 sm:gap-7">
      <KeyIcon state={secret ? "new" : row.state} />
      <div className="min-w-0 flex-1">
        <h3 id={headingId} data-testid="key-name" className="text-[30px] leading-tight font-light break-all">
          {row.name}
        </h3>
        {/* nuget.org's one status line: stopwatch + expiry, a divider, eye + scopes */}
        <p data-testid="key-status-line" className="mt-1 flex flex-wrap items-center gap-x-2.5 gap-y-1">
          <span data-testid="key-status" className={`inline-flex items-center gap-1.5 ${row.state === "active" ? "" : "text-[#a80000]"}`}>
            <RowIcon name={row.state === "revoked" ? "ban" : "timer"} />
            {row.statusText}
          </span>
          <span aria-hidden="true" className="hidden h-5 border-l border-[#212121] sm:inline-block" />
          <span className="inline-flex items-start gap-1.5">
            <RowIcon name="eye" label="Scopes" className="mt-1" />
            {row.scopesText}
          </span>
        </p>
        <dl data-testid="key-details" className="mt-2 [&_dd]:ms-1 [&_dd]:inline [&_dt]:inline [&_dt]:font-bold">
          <div>
            <dt>Package owner:</dt>
            <dd>{row.ownerUsername}</dd>
          </div>
          {row.packageIds.length > 0 ? (
            <div>
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
            </div>
          ) : null}
          {row.glob ? (
            <div>
              <dt>Glob pattern:</dt>
              <dd className="break-all">{row.glob}</dd>
            </div>
          ) : null}
          {/* beyond nuget.org (NuGetGallery#5907): when the key was made and last used */}
          <div>
            <dt>Created:</dt>
            <dd>
              <time dateTime={row.createdIso}>{row.createdText}</time>
            </dd>
          </div>
          <div>
            <dt>Last used:</dt>
            <dd>{row.lastUsedText}</dd>
          </div>
          {/* beyond nuget.org: a roll's overlap, both secrets' last use side by side */}
          {row.overlap ? (
            <div data-testid="key-overlap">
              <dt>Previous secret:</dt>
              <dd>
                <OverlapDetails overlap={row.overlap} />
              </dd>
            </div>
          ) : null}
          {row.allowedCidrs.length > 0 ? (
            <div data-testid="key-allowed-cidrs">
              <dt>Allowed addresses:</dt>
              <dd className="break-all">{row.allowedCidrs.join(", ")}</dd>
            </div>
          ) : null}
          {row.addressSuggestions?.length ? (
            <div data-testid="key-address-suggestions">
              <dt>Recent use from:</dt>
              <dd className="break-all">{row.addressSuggestions.join(", ")} (Edit to limit the key to these)</dd>
            </div>
          ) : null}
          {/* beyond nuget.org: a key revoked for a leak says who reported it, when, and where it was found */}
          {row.leak ? (
            <div data-testid="key-leak">
              <dt>Revoked due to a potential leak:</dt>
              <dd>
                <LeakDetails leak={row.leak} />
              </dd>
            </div>
          ) : null}
        </dl>
        {row.ownerLost ? (
          <p data-testid="key-owner-lost" className="mt-2 text-[#a80000]">
            {`You are no longer a member of ${row.ownerUsername}; this key cannot be used.`}
          </p>
        ) : null}
        {row.replaceableByTrustedPublishing && row.state === "active" ? (
          <p data-testid="key-tp-hint" className="mt-2">
            This key is replaceable by Trusted Publishing: a policy already covers the packages it pushed.{" "}
            <Link href="/account/trustedpublishing" className="underline">
              Publish with Trusted Publishing and retire this key
            </Link>
          </p>
        ) : null}
        <div role="group" aria-label="Key actions" data-testid="key-actions" className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
          {secret ? <CopyButton secret={secret} /> : null}
          {row.ownerLost ? null : (
            <>
              <button type="button" className={iconLinkButton} disabled={pending} aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
                <RowIcon name="pencil" />
                Edit
              </button>
              <button type="button" className={iconLinkButton} disabled={pending} onClick={run("regenerate")}>
                <RowIcon name="rotate-cw" />
                Regenerate
              </button>
              {row.state === "active" ? (
                <button type="button" className={iconLinkButton} disabled={pending} aria-expanded={rolling} onClick={() => setRolling((r) => !r)}>
                  <RowIcon name="refresh-ccw" />
                  Roll
                </button>
              ) : null}
              {row.overlap ? (
                <button type="button" className={iconLinkButton} disabled={pending} onClick={run("endOverlap")}>
                  <RowIcon name="circle-minus" />
                  End overlap now
                </button>
              ) : null}
            </>
          )}
          <button type="button" className={iconLinkButton} disabled={pending} onClick={run("delete")}>
            <RowIcon name="trash-2" />
            Delete
          </button>
          {row.state === "active" ? (
            <button type="button" className={iconLinkButton} disabled={pending} onClick={run("revoke")}>
              <RowIcon name="circle-minus" />
              Revoke
            </button>
          ) : null}
        </div>
        {rolling && !row.ownerLost && row.state === "active" ? (
          <RollPanel
            keyId={row.id}
            keyName={row.name}
            onRolled={(s) => {
              setRolling(false);
              onRolled(s);
            }}
            onCancel={() => setRolling(false)}
            onError={onError}
          />
        ) : null}
        {/* beyond nuget.org: the key's last uses, loaded when opened */}
        <KeyActivity keyId={row.id} keyName={row.name} />
        {editing && !row.ownerLost ? (
          <EditPanel
            key={suggested ?? ""}
            row={row}
            suggestion={suggestion}
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
