// GET /account/apikeys: nuget.org's API Keys page, with its banner pointing to Trusted Publishing;
// with API_KEYS_REDIRECT_TO_TRUSTED_PUBLISHING on, a plain GET goes there first (lib/trusted-publishing/era.ts).
import { AccountBreadcrumb } from "@/components/layout/account-breadcrumb";
import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { ApiKeysClient } from "@/components/api-keys/api-keys-client";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { mailFrom } from "@/lib/mail/mailer";
import { expiryOptions } from "@/lib/api-keys/rules";
import { env } from "@/lib/env";
import { expiredBanner, presentKey, revokedBanner } from "@/lib/api-keys/present";
import { listApiKeys, listOwners } from "@/lib/api-keys/store";
import { appOrigin } from "@/lib/request-context";
import { headers } from "next/headers";
import { SecurityOverview } from "@/components/api-keys/security-overview";
import { keyOverview, narrowingFor } from "@/lib/api-keys/overview";
import { overviewData } from "@/lib/api-keys/overview-present";
import { suggestedRanges } from "@/lib/api-keys/address-suggestions";
import { redirect } from "next/navigation";
import { apiKeysRedirect, TRUSTED_PUBLISHING_PATH } from "@/lib/trusted-publishing/era";
import { listReplaceableKeyIds } from "@/lib/trusted-publishing/hint";

export const metadata: Metadata = { title: "API Keys" };

export default async function ApiKeysPage({ searchParams }: { searchParams: Promise<{ narrow?: string | string[]; forceApiKeys?: string | string[] }> }) {
  const user = await requireUser("/account/apikeys");
  const query = await searchParams;
  const elsewhere = apiKeysRedirect(env().API_KEYS_REDIRECT_TO_TRUSTED_PUBLISHING, query);
  if (elsewhere) redirect(elsewhere);
  // ?narrow={keyId}: the overview's narrowing link opens that key's Edit with the suggestion
  const { narrow } = query;
  return (
    <div className="max-w-4xl">
      <AccountBreadcrumb username={user.username} title="API keys" />
      <Alert tone="info" testId="trusted-publishing-banner">
        <strong>Looking for a more secure and streamlined way to publish packages?</strong> If you&apos;re using GitHub Actions,
        we recommend switching to <Link href={TRUSTED_PUBLISHING_PATH} className="underline">Trusted Publishing</Link> since it eliminates the need to
        manage API keys.
      </Alert>
      <p className="mb-3">
        An API key is a token that can identify you to NuGet Gallery. The NuGet command-line utility allows you to submit a NuGet
        package to the gallery using your API key to authenticate.
      </p>
      {user.emailConfirmed ? (
        <ConfirmedContent userId={user.id} narrow={typeof narrow === "string" ? narrow : null} />
      ) : (
        <Alert tone="warning" role="alert">
          To get an API Key you will need to <Link href="/account/confirm">confirm your account</Link>.
        </Alert>
      )}
    </div>
  );
}

async function ConfirmedContent({ userId, narrow }: { userId: string; narrow: string | null }) {
  const now = new Date();
  const [keys, owners, replaceable] = await Promise.all([listApiKeys(db, userId), listOwners(db, userId), listReplaceableKeyIds(db, userId)]);
  // #5872: a key of an organization the user has left is marked, and offers no Edit or Regenerate
  const actsFor = new Set(owners.map((o) => o.id));
  const suggestions = await suggestedRanges(db, keys, now);
  const rows = keys.map((k) => ({
    ...presentKey(k, now),
    ownerLost: !actsFor.has(k.ownerId),
    addressSuggestions: suggestions.get(k.id) ?? [],
    replaceableByTrustedPublishing: replaceable.has(k.id),
  }));
  const revoked = rows.filter((r) => r.state === "revoked").map((r) => r.name);
  const expired = rows.filter((r) => r.state === "expired").map((r) => r.name);
  const expiry = expiryOptions(env().API_KEY_EXPIRY_DAYS);
  const source = `${appOrigin(await headers())}/v3/index.json`;
  const overview = env().API_KEY_OVERVIEW === "on" ? await keyOverview(db, keys, now) : null;
  const suggestion = overview && narrow ? narrowingFor(overview, narrow) : null;
  return (
    <>
      {overview ? <SecurityOverview data={overviewData(overview, now)} /> : null}
      <ApiKeysClient
        rows={rows}
        owners={owners.map((o) => o.username)}
        expiryDays={expiry.days}
        defaultExpiryDays={expiry.defaultDays}
        revokedBanner={revokedBanner(revoked, mailFrom().replace(/"/g, ""))}
        expiredBanner={expiredBanner(expired)}
        narrow={suggestion && narrow ? { keyId: narrow, subjects: suggestion } : null}
      />
      <UsingKeys source={source} />
    </>
  );
}

/**
 * Beyond nuget.org (NuGetGallery#5907 asks for the push URL and command on this page): how to
 * use a key against this feed, with the key itself left as a placeholder.
 */
function UsingKeys({ source }: { source: string }) {
  return (
    <section aria-labelledby="using-keys" data-testid="using-keys" className="mt-8">
      <h2 id="using-keys" className="text-[34px] leading-tight font-light">
        Using your API key
      </h2>
      <p className="mt-2">
        <strong>Package source:</strong> <code className="break-all">{source}</code>
      </p>
      {/* wraps instead of scrolling sideways: the frame holds the commands at any width from 360 px */}
      <pre className="mt-2 border border-gray-300 bg-[#f4f4f4] p-3 text-sm whitespace-pre-wrap wrap-anywhere">
        {`dotnet nuget push MyPackage.1.0.0.nupkg --api-key <your key> --source ${source}\nnuget push MyPackage.1.0.0.nupkg -ApiKey <your key> -Source ${source}`}
      </pre>
    </section>
  );
}
