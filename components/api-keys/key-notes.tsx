// What a key's row says beyond nuget.org, in words shared by the API Keys rows and an
// organization's key list: why a key revoked for a leak was revoked, and a roll's overlap.
import type { KeyRowData, LeakNote } from "@/lib/api-keys/present";

/** Who reported the leak, when, and where it was found. */

export function LeakDetails({ leak }: { leak: LeakNote }) {
  return (
    <>
      reported by {leak.reportedBy} on <time dateTime={leak.dateIso}>{leak.dateText}</time>
      {leak.where ? (
        <>
          {"; found at "}
          {leak.whereIsUrl ? (
            <a href={leak.where} rel="nofollow noopener noreferrer" target="_blank" className="wrap-anywhere text-[#0078d4] underline">
              {leak.where}
            </a>
          ) : (
            <span className="wrap-anywhere">{leak.where}</span>
          )}
        </>
      ) : null}
    </>
  );
}

/** The previous secret's end and last use, while a roll's overlap runs. */
export function OverlapDetails({ overlap }: { overlap: NonNullable<KeyRowData["overlap"]> }) {
  return (
    <>
      works until <time dateTime={overlap.untilIso}>{overlap.untilText}</time>; last used {overlap.lastUsedText}
    </>
  );
}
