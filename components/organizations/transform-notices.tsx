// Manage Organizations' transform parts (Views/Users/Organizations.cshtml): the outcome flashes,
// and the signed-in account's own pending request with its "Cancel migration request".
import { USERNAME_PATTERN } from "@/lib/accounts/validation";
import { TRANSFORM_MESSAGES } from "@/lib/organizations/transform-rules";
import { CancelTransform } from "./transform-answer";

type Search = Record<string, string | string[] | undefined>;

/** After accept, decline or cancel (nuget.org's TempData). Only a name an account could have is echoed. */
export function TransformFlash({ q, organizations }: { q: Search; organizations: string[] }) {
  const name = (v: unknown) => (typeof v === "string" && USERNAME_PATTERN.test(v) ? v : null);
  const transformed = name(q.transformed);
  const declined = name(q.transformDeclined);
  // "transformed" only for an organization the viewer now administers: a crafted link says nothing
  const text =
    transformed && organizations.some((o) => o.toLowerCase() === transformed.toLowerCase())
      ? TRANSFORM_MESSAGES.transformed(transformed)
      : declined
        ? TRANSFORM_MESSAGES.declined(declined)
        : q.transformCancelled === "1"
          ? TRANSFORM_MESSAGES.cancelled
          : null;
  if (!text) return null;
  return (
    <div role="status" className="border-l-4 border-green-700 bg-green-50 px-3 py-2 text-green-900">
      {text}
    </div>
  );
}

export function OwnTransformRequest({ me, admin }: { me: string; admin: string }) {
  return (
    <section aria-label="Pending transform request" className="space-y-2 border-l-4 border-yellow-600 bg-yellow-50 px-4 py-3">
      <p>
        You have a pending request to transform your account <strong>{me}</strong> into an organization. To continue this process, sign in as{" "}
        <strong>{admin}</strong> and navigate to the <strong>Manage Organizations</strong> page.
      </p>
      <CancelTransform token={null} />
    </section>
  );
}
