// Why a key revoked for a leak was revoked (beyond nuget.org): who reported it, when, and where
// it was found. Shared by the API Keys rows and an organization's key list.
import type { LeakNote } from "@/lib/api-keys/present";

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
