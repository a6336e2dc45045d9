"use client";
// Beyond nuget.org (issue 14): the security overview above the API Keys page's Create and Manage
// sections (lib/api-keys/overview.ts), each finding with a one-click narrowing, and "Revoke all
// my keys". Renders nothing when there is nothing to report and no active key.
import Link from "next/link";
import { useState, useTransition } from "react";
import { revokeKeyAction } from "@/app/account/apikeys/actions";
import { dropPushNewAction, revokeAllKeysAction } from "@/app/account/apikeys/overview-actions";
import { Alert } from "@/components/ui/alert";
import { linkButton, secondaryButton } from "@/components/ui/button-styles";
import { useConfirm } from "@/components/ui/confirm-dialog";
import type { OverviewData } from "@/lib/api-keys/overview-present";

type Ref = { id: string; name: string };

const CONFIRM = {
  revoke: "Are you sure you want to revoke the API key?",
  revokeAll: "Are you sure you want to revoke all your API keys? They stop working at once and cannot be restored.",
  pushNew: "Are you sure you want this API key to push only new versions of existing packages?",
} as const;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function SecurityOverview({ data }: { data: OverviewData }) {
  const [dialog, confirm] = useConfirm();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ tone: "success" | "danger"; text: string } | null>(null);
  const findings =
    data.neverUsed.length + data.idle.length + data.expiringSoon.length + data.widerThanUse.length + data.pushNewUnused.length;
  if (findings === 0 && data.active === 0 && !message) return null;
  const moreCount = Object.values(data.more).reduce((a, b) => a + b, 0);

  const run = (question: string, act: () => Promise<{ status: string }>, done: string, failed: string) => async () => {
    if (!(await confirm(question))) return;
    startTransition(async () => {
      try {
        const result = await act();
        setMessage(result.status === "ok" ? { tone: "success", text: done } : { tone: "danger", text: failed });
      } catch {
        setMessage({ tone: "danger", text: failed });
      }
    });
  };
  const revoke = (k: Ref) =>
    run(CONFIRM.revoke, () => revokeKeyAction.bind(null, k.id)(), `API key '${k.name}' was revoked.`, "The API key could not be revoked.");
  const keyLink = (k: Ref) => (
    <a href={`#key-${k.id}-name`} className="text-nuget-link underline">
      {k.name}
    </a>
  );
  const item = "flex flex-wrap items-baseline gap-x-3 py-0.5";

  return (
    <section aria-labelledby="key-overview" data-testid="key-overview" className="my-3 border border-gray-300 px-4 py-3">
      <h2 id="key-overview" className="text-xl font-semibold">
        Security overview
      </h2>
      {message ? (
        <Alert tone={message.tone} role="status" testId="key-overview-message">
          {message.text}
        </Alert>
      ) : null}
      <ul className="mt-1" aria-label="Findings">
        {data.neverUsed.map((k) => (
          <li key={`n-${k.id}`} data-testid="overview-never-used" className={item}>
            <span>{keyLink(k)} has never been used.</span>
            <button type="button" className={linkButton} disabled={pending} onClick={revoke(k)}>
              Revoke
            </button>
          </li>
        ))}
        {data.idle.map((k) => (
          <li key={`i-${k.id}`} data-testid="overview-idle" className={item}>
            <span>
              {keyLink(k)} has not been used for 90 days or more (last used {k.lastUsed}).
            </span>
            <button type="button" className={linkButton} disabled={pending} onClick={revoke(k)}>
              Revoke
            </button>
          </li>
        ))}
        {data.expiringSoon.map((k) => (
          <li key={`e-${k.id}`} data-testid="overview-expiring" className={item}>
            <span>
              {keyLink(k)} expires within 14 days ({k.expires}).
            </span>
          </li>
        ))}
        {data.widerThanUse.map((k) => (
          <li key={`w-${k.id}`} data-testid="overview-wider" className={item}>
            <span>
              {keyLink(k)}: the glob pattern <code>{k.glob}</code> matches {plural(k.matching, "package", "packages")}, of which{" "}
              {k.pushed} {k.pushed === 1 ? "was" : "were"} pushed with it in the last 90 days.
            </span>
            <Link href={`/account/apikeys?narrow=${encodeURIComponent(k.id)}#key-${k.id}-name`} className={linkButton}>
              Narrow to the pushed {k.pushed === 1 ? "package" : "packages"}
            </Link>
          </li>
        ))}
        {data.pushNewUnused.map((k) => (
          <li key={`p-${k.id}`} data-testid="overview-push-new" className={item}>
            <span>{keyLink(k)} may push new packages but has never pushed one.</span>
            <button
              type="button"
              className={linkButton}
              disabled={pending}
              onClick={run(
                CONFIRM.pushNew,
                () => dropPushNewAction.bind(null, k.id)(),
                `API key '${k.name}' now pushes only new package versions.`,
                "The API key could not be changed.",
              )}
            >
              Push only new versions
            </button>
          </li>
        ))}
      </ul>
      {moreCount > 0 ? (
        <p data-testid="overview-more" className="text-sm">
          {`… and ${moreCount} more.`}
        </p>
      ) : null}
      {data.active > 0 ? (
        <button
          type="button"
          className={`${secondaryButton} mt-2`}
          disabled={pending}
          onClick={run(
            CONFIRM.revokeAll,
            () => revokeAllKeysAction(),
            "All your API keys were revoked.",
            "Your API keys could not be revoked.",
          )}
        >
          Revoke all my keys
        </button>
      ) : null}
      {dialog}
    </section>
  );
}
