// Why a key was refused, in words for the NuGet client (body and X-NuGet-Warning). Pure.
import type { KeyFailure } from "./authenticate";
import { ENDPOINT_ACTIONS, type Operation, type ScopeFailure } from "./key-checks";
import { ACTIONS, ACTION_DESCRIPTIONS } from "./scopes";

/**
 * What went wrong, beyond nuget.org's one vague 403 (NuGetGallery#10774). Speaks only of the
 * caller's own key and owner, never of other accounts.
 */
export function explainFailure(
  failure: KeyFailure | ScopeFailure | "not-owner" | "gone-during-upload" | "address",
  ctx: { keyName?: string; packageId?: string; ownerUsername?: string; op?: Operation; clientAddress?: string | null },
): string {
  const key = ctx.keyName ? `The API key '${ctx.keyName}'` : "The API key";
  switch (failure) {
    case "missing":
      return "No API key was sent. Pass one with -ApiKey or save one with 'nuget setapikey'.";
    case "not-found":
      return "The API key was not found: it is mistyped, incomplete, or it was deleted or regenerated.";
    case "expired":
      return `${key} has expired. Regenerate it on the API keys page.`;
    case "revoked":
      return `${key} has been revoked. Regenerate it or create a new one on the API keys page.`;
    case "owner-mismatch":
      return `${key} is scoped to an owner its user no longer acts for.`;
    case "action": {
      const needed = ENDPOINT_ACTIONS[ctx.op ?? "push"].filter((a) => a !== ACTIONS.verify).map((a) => `'${ACTION_DESCRIPTIONS[a]}'`);
      return `${key} lacks the scope for this action: it needs ${needed.join(" or ")}${ctx.packageId ? ` for package '${ctx.packageId}'` : ""}.`;
    }
    case "subject":
      return `${key} is not scoped to package '${ctx.packageId}': none of its package ids or glob patterns matches it.`;
    case "new-id-needs-push":
      return `Package '${ctx.packageId}' does not exist yet, and pushing a new package id needs the scope '${ACTION_DESCRIPTIONS[ACTIONS.push]}'; ${key.replace(/^The/, "the")} has only '${ACTION_DESCRIPTIONS[ACTIONS.pushVersion]}'.`;
    case "gone-during-upload":
      return `${key} was revoked, deleted, regenerated or expired while the package was uploading; nothing was stored.`;
    case "address":
      // the reason phrase too: it is all a NuGet client prints
      return `${key} cannot be used from ${ctx.clientAddress ? `the address ${ctx.clientAddress}` : "an unknown address"}: it is limited to other address ranges (see the key on the API keys page).`;
    case "not-owner":
      return `The owner of this API key ('${ctx.ownerUsername}') does not own package '${ctx.packageId}'.`;
  }
}
