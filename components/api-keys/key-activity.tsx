"use client";
// A key row's Activity disclosure (beyond nuget.org): its last 50 uses, loaded from the server
// each time it is opened, so the page itself renders no activity at all.
import { useId, useState, useTransition } from "react";
import { keyActivityAction } from "@/app/account/apikeys/activity-actions";
import { iconLinkButton } from "@/components/ui/button-styles";
import type { ActivityView } from "@/lib/key-activity/present";
import { RowIcon } from "./row-icons";

type Loaded = { status: "ok"; entries: ActivityView[] } | { status: "error"; message: string } | null;

export function KeyActivity({ keyId, keyName }: { keyId: string; keyName: string }) {
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [pending, startTransition] = useTransition();
  const panelId = useId();

  const toggle = () => {
    const next = !open;
    setOpen(next);
    if (!next) return;
    startTransition(async () => {
      try {
        const result = await keyActivityAction(keyId);
        setLoaded(result.status === "ok" ? { status: "ok", entries: result.data } : { status: "error", message: (result.status === "error" && result.message) || "The activity could not be loaded." });
      } catch {
        setLoaded({ status: "error", message: "The activity could not be loaded. Try again." });
      }
    });
  };

  return (
    <div data-testid="key-activity" className="mt-2">
      <button type="button" className={iconLinkButton} aria-expanded={open} aria-controls={panelId} onClick={toggle}>
        <RowIcon name="history" />
        Activity
      </button>
      <div id={panelId} hidden={!open} className="mt-2">
        {pending ? (
          <p role="status">Loading…</p>
        ) : loaded?.status === "error" ? (
          <p role="alert" className="text-[#a80000]">
            {loaded.message}
          </p>
        ) : loaded?.status === "ok" && loaded.entries.length === 0 ? (
          <p>No uses recorded yet.</p>
        ) : loaded?.status === "ok" ? (
          <ActivityTable entries={loaded.entries} keyName={keyName} />
        ) : null}
      </div>
    </div>
  );
}

function ActivityTable({ entries, keyName }: { entries: ActivityView[]; keyName: string }) {
  return (
    // scrolls sideways on a narrow screen; focusable so a keyboard can scroll it too
    <div role="region" aria-label={`Activity of ${keyName}`} tabIndex={0} className="max-w-full overflow-x-auto border border-gray-300">
      <table data-testid="key-activity-table" className="w-full text-left text-sm [&_td]:px-2 [&_td]:py-1 [&_td]:align-top [&_th]:px-2 [&_th]:py-1">
        <caption className="sr-only">{`The last ${entries.length} uses of ${keyName}, newest first`}</caption>
        <thead className="bg-[#f4f4f4]">
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Package</th>
            <th scope="col">Result</th>
            <th scope="col">Failed check</th>
            <th scope="col">Client address</th>
            <th scope="col">User agent</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => (
            <tr key={i} data-result={e.result.toLowerCase()} className="border-t border-gray-200">
              <td className="whitespace-nowrap">
                <time dateTime={e.atIso}>{e.atText}</time>
              </td>
              <td>{e.action}</td>
              <td className="break-all">{e.package}</td>
              <td className={e.result === "Refused" ? "text-[#a80000]" : undefined}>
                {e.result}
                {e.status ? ` (${e.status})` : ""}
                {e.secret ? `, ${e.secret}` : ""}
              </td>
              <td>{e.failedCheck}</td>
              <td className="break-all">{e.clientAddress}</td>
              <td className="min-w-48 break-all">{e.userAgent}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
