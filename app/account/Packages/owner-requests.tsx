// Manage Packages' account filter (you and each of your organizations, as nuget.org's) and the
// package ownership requests received by you or an organization you administer, each with
// Accept and Decline (the session proves the new owner; the data layer re-checks).
import dayjs from "dayjs";
import utc from "dayjs/plugin/utc";
import { OwnershipAnswer } from "@/components/packages/ownership-answer";
import type { ReceivedRequest } from "@/lib/packages/owners";
import { ANSWERED } from "@/lib/packages/owner-rules";
import { Alert } from "@/components/ui/alert";

dayjs.extend(utc);

export function AccountFilter({ accounts, selected }: { accounts: string[]; selected: string }) {
  return (
    <form method="get" action="/account/Packages" aria-label="Account filter" className="mb-3 flex items-end gap-2">
      <label className="text-sm">
        <span className="block font-semibold">Account</span>
        <select name="owner" defaultValue={selected} className="rounded border border-gray-400 px-2 py-1">
          {accounts.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="rounded border border-gray-400 bg-white px-3 py-1 hover:bg-gray-100">
        Show
      </button>
    </form>
  );
}

export function ReceivedRequests({ requests }: { requests: ReceivedRequest[] }) {
  if (requests.length === 0) return null;
  return (
    <section aria-labelledby="received-requests" className="mb-6">
      <h2 id="received-requests" className="mb-2 text-2xl font-light">
        Package Ownership Requests
      </h2>
      <table className="w-full text-left text-sm" aria-label="Received ownership requests">
        <thead className="border-b border-gray-300">
          <tr>
            <th className="py-1 pr-4">Package ID</th>
            <th className="py-1 pr-4">Requested owner</th>
            <th className="py-1 pr-4">Requested by</th>
            <th className="py-1 pr-4">Requested</th>
            <th className="py-1">
              <span className="sr-only">Answer</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr key={`${r.packageId}-${r.owner}`} aria-label={`${r.packageId} for ${r.owner}`} className="border-b border-gray-100 align-top">
              <td className="py-2 pr-4 break-all">{r.packageId}</td>
              <td className="py-2 pr-4">{r.owner}</td>
              <td className="py-2 pr-4">{r.requestedBy}</td>
              <td className="py-2 pr-4 whitespace-nowrap">
                <time dateTime={r.requestedAt.toISOString()}>{dayjs(r.requestedAt).utc().format("YYYY-MM-DD")}</time>
              </td>
              <td className="py-2">
                <OwnershipAnswer packageId={r.packageId} owner={r.owner} token={null} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The outcome of an answer given on this page (the row itself is gone). Text only: React escapes it. */
export function Answered({ params }: { params: Record<string, string | string[] | undefined> }) {
  const { answered, package: packageId, account } = params;
  if ((answered !== "confirm" && answered !== "reject") || typeof packageId !== "string" || typeof account !== "string") return null;
  return (
    <Alert tone="success" role="status">
      {ANSWERED[answered](packageId.slice(0, 128), account.slice(0, 64))}
    </Alert>
  );
}
