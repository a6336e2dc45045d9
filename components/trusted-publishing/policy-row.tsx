"use client";
// One policy on the Manage list (nuget.org's "policy-details" template, spec A3): icon by state,
// name, status line, details, and Edit / Delete / Activate for 7 days. Beyond nuget.org: its last use.
import dynamic from "next/dynamic";
import { useActionState, useState, useTransition } from "react";
import CircleCheck from "lucide-react/icons/circle-check";
import Info from "lucide-react/icons/info";
import ShieldCheck from "lucide-react/icons/shield-check";
import ShieldEllipsis from "lucide-react/icons/shield-ellipsis";
import ShieldOff from "lucide-react/icons/shield-off";
import TriangleAlert from "lucide-react/icons/triangle-alert";
import { activatePolicyAction, deletePolicyAction } from "@/app/account/trustedpublishing/actions";
import { RowIcon } from "@/components/api-keys/row-icons";
import { iconLinkButton, linkButton } from "@/components/ui/button-styles";
import { idle, type ActionState } from "@/lib/action-state";
import type { PolicyRowData } from "@/lib/trusted-publishing/present";

const PolicyForm = dynamic(() => import("./policy-form"), { ssr: false });

const CONFIRM_DELETE = "Are you sure you want to remove the Trusted Publisher Policy?";
const ID_TOOLTIP = "A permanent GitHub ID assigned to a user, organization, or repository when it's created. Used for trusted publishing validation.";
const OWNERSHIP_HELP = "https://aka.ms/nuget/trusted-publishing-ownership-warnings";
const PENDING_HELP = "https://aka.ms/nuget/trusted-publishing-pending-activation";

type State = ActionState<string>;

/** A one-button form (Delete, Activate): a plain post without JavaScript; with it, confirmed first when asked. */
function ActionButton({
  action,
  confirm,
  onResult,
  className,
  children,
}: {
  action: (prev: State) => Promise<State>;
  confirm?: () => Promise<boolean>;
  onResult: (r: State) => void;
  className: string;
  children: React.ReactNode;
}) {
  const [, formAction] = useActionState<State, FormData>(action, idle);
  const [pending, startTransition] = useTransition();
  return (
    <form
      action={formAction}
      className="inline"
      onSubmit={async (e) => {
        e.preventDefault();
        if (confirm && !(await confirm())) return;
        startTransition(async () => onResult(await action(idle)));
      }}
    >
      <button type="submit" disabled={pending} className={className}>
        {children}
      </button>
    </form>
  );
}

function PolicyIcon({ state }: { state: PolicyRowData["state"] }) {
  const [Icon, label] =
    state === "active" ? [ShieldCheck, "Policy"] : state === "temporary" ? [ShieldEllipsis, "Temporary policy"] : [ShieldOff, "Disabled policy"];
  return <Icon role="img" aria-label={label} data-icon={state} size={32} strokeWidth={1.5} className="mt-1.5 shrink-0 text-[#212121]" />;
}

function GitHubId({ id }: { id: string | null }) {
  if (!id) return null;
  return (
    <>
      {` #${id} `}
      <span title={ID_TOOLTIP} className="inline-flex align-middle">
        <Info role="img" aria-label={ID_TOOLTIP} size={14} strokeWidth={1.75} />
      </span>
    </>
  );
}

export function PolicyRow({
  row,
  confirm,
  onResult,
}: {
  row: PolicyRowData;
  confirm: (message: string) => Promise<boolean>;
  onResult: (r: State) => void;
}) {
  const [editing, setEditing] = useState(false);
  const headingId = `policy-${row.id}-name`;
  const activate = activatePolicyAction.bind(null, row.id);
  const canActivate = row.state === "temporary" || row.state === "lapsed";
  return (
    <li aria-labelledby={headingId} data-state={row.state} data-testid="policy-row" className="flex gap-4 border-b border-gray-200 py-4 sm:gap-7">
      <PolicyIcon state={row.state} />
      <div className="min-w-0 flex-1">
        <h3 id={headingId} className="text-[30px] leading-tight font-light break-all">
          {row.name}
        </h3>
        <div data-testid="policy-status" className="mt-1">
          {row.state === "owner-invalid" ? (
            <span className="text-[#a80000]">
              <TriangleAlert aria-label="Warning" role="img" size={16} className="mr-1 inline align-[-2px]" />
              You can no longer use Trusted Publishing for <strong>{row.ownerUsername}</strong>.{" "}
              <a href={OWNERSHIP_HELP} className="underline">
                Learn more about policies
              </a>
            </span>
          ) : row.state === "active" ? (
            <span>
              <CircleCheck aria-hidden="true" size={16} className="mr-1 inline align-[-2px] text-green-700" />
              Active
            </span>
          ) : row.state === "temporary" ? (
            <span>
              <Info aria-hidden="true" size={16} className="mr-1 inline align-[-2px]" />
              Use within <strong>{row.daysLeft} day(s)</strong> to keep it permanently active.{" "}
              <a href={PENDING_HELP} className="underline">
                Learn more about policies
              </a>
            </span>
          ) : (
            <span>
              <TriangleAlert aria-label="Warning" role="img" size={16} className="mr-1 inline align-[-2px] text-[#a80000]" />
              <ActionButton action={activate} onResult={onResult} className={`${linkButton} font-bold underline`}>
                Activate
              </ActionButton>{" "}
              and use within <strong>7 days</strong> to keep it permanently active.
            </span>
          )}
        </div>
        <dl data-testid="policy-details" className="mt-2 [&_dd]:ms-1 [&_dd]:inline [&_dt]:inline [&_dt]:font-bold">
          <div>
            <dt>Package owner:</dt>
            <dd>{row.ownerUsername}</dd>
          </div>
          <div>
            <dt>Scopes:</dt>
            <dd>{row.scopesText}</dd>
          </div>
          <div>
            <dt>Glob Patterns and Packages:</dt>
            <dd>
              <code className="break-all">{row.subjectsText}</code>
            </dd>
          </div>
          <div>
            <dt>Publisher:</dt>
            <dd>{row.publisher}</dd>
          </div>
          <div>
            <dt>Repository Owner:</dt>
            <dd>
              {row.repositoryOwner}
              <GitHubId id={row.repositoryOwnerId} />
            </dd>
          </div>
          <div>
            <dt>Repository:</dt>
            <dd>
              {row.repository}
              <GitHubId id={row.repositoryId} />
            </dd>
          </div>
          <div>
            <dt>Workflow:</dt>
            <dd>{row.workflow}</dd>
          </div>
          {row.environment ? (
            <div>
              <dt>Environment:</dt>
              <dd>{row.environment}</dd>
            </div>
          ) : null}
          {/* beyond nuget.org (which stores LastMatched but never shows it) */}
          <div data-testid="policy-last-use">
            <dt>Last used:</dt>
            <dd>
              {row.lastUse ? (
                <>
                  <time dateTime={row.lastUse.whenIso}>{row.lastUse.when}</time>
                  {row.lastUse.repository ? ` from ${row.lastUse.repository}` : ""}
                  {row.lastUse.run ? (
                    <>
                      {", run "}
                      {row.lastUse.run.url ? (
                        <a href={row.lastUse.run.url} rel="nofollow noopener noreferrer" className="underline">
                          {row.lastUse.run.id}
                        </a>
                      ) : (
                        row.lastUse.run.id
                      )}
                    </>
                  ) : null}
                  {row.lastUse.sha ? (
                    <>
                      {" at "}
                      <code>{row.lastUse.sha}</code>
                    </>
                  ) : null}
                  {row.lastUse.workflowRef ? ` (${row.lastUse.workflowRef})` : ""}
                  {row.lastUse.pushed ? `; pushed ${row.lastUse.pushed}` : ""}
                </>
              ) : (
                "Never used"
              )}
            </dd>
          </div>
        </dl>
        <div role="group" aria-label="Policy actions" className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
          {row.state === "owner-invalid" ? null : (
            <button type="button" className={iconLinkButton} aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              <RowIcon name="pencil" />
              Edit
            </button>
          )}
          <ActionButton action={deletePolicyAction.bind(null, row.id)} confirm={() => confirm(CONFIRM_DELETE)} onResult={onResult} className={iconLinkButton}>
            <RowIcon name="trash-2" />
            Delete
          </ActionButton>
          {canActivate ? (
            <ActionButton action={activate} onResult={onResult} className={iconLinkButton}>
              <RowIcon name="rotate-cw" />
              Activate for 7 days
            </ActionButton>
          ) : null}
        </div>
        {editing && row.state !== "owner-invalid" ? (
          <div className="mt-3">
            <PolicyForm
              row={row}
              onDone={(message) => {
                setEditing(false);
                onResult({ status: "ok", data: row.id, message });
              }}
              onCancel={() => setEditing(false)}
            />
          </div>
        ) : null}
      </div>
    </li>
  );
}
