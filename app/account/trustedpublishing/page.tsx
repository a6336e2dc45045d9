// GET /account/trustedpublishing: nuget.org's Trusted Publishing page (spec A3): the policies a
// GitHub Actions workflow may trade its OIDC token for a short-lived key with.
import type { Metadata } from "next";
import Link from "next/link";
import { AccountBreadcrumb } from "@/components/layout/account-breadcrumb";
import { Alert } from "@/components/ui/alert";
import { TrustedPublishingClient } from "@/components/trusted-publishing/tp-client";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { listOwners } from "@/lib/api-keys/store";
import { listPolicies } from "@/lib/trusted-publishing/policies";
import { presentPolicy } from "@/lib/trusted-publishing/present";
import { FORCE_API_KEYS_PATH } from "@/lib/trusted-publishing/era";

export const metadata: Metadata = { title: "Trusted Publishing" };

const LEARN_MORE = "https://aka.ms/nuget/trusted-publishing";

export default async function TrustedPublishingPage({ searchParams }: { searchParams: Promise<{ fromApiKeys?: string | string[] }> }) {
  const user = await requireUser("/account/trustedpublishing");
  const { fromApiKeys } = await searchParams;
  return (
    <div className="max-w-4xl">
      <AccountBreadcrumb username={user.username} title="Trusted Publishing" />
      {fromApiKeys === "true" ? (
        <Alert tone="info" testId="api-keys-discouraged">
          <strong>API keys are strongly discouraged for automated publishing</strong> and should be replaced with Trusted Publishing,
          which is currently supported for GitHub Actions, with broader CI/CD support coming soon. We strongly recommend updating
          now to Trusted Publishing to ensure a seamless transition. For publishing from command line or unsupported CI/CD
          workflows, <Link href={FORCE_API_KEYS_PATH} className="underline">API keys</Link> continue to work.
        </Alert>
      ) : null}
      <p className="mb-3">
        {/* nuget.org names GitLab CI/CD too; this site supports GitHub Actions only */}
        <strong>Trusted Publishing</strong> lets you publish NuGet packages securely without managing API keys. It currently
        supports publishing from <strong>GitHub Actions</strong>. <a href={LEARN_MORE}>Learn more</a>
      </p>
      {user.emailConfirmed ? (
        <Confirmed userId={user.id} />
      ) : (
        <Alert tone="warning" role="alert">
          To register a Trusted Publisher you will need to <Link href="/account/confirm">confirm your account</Link>.
        </Alert>
      )}
    </div>
  );
}

async function Confirmed({ userId }: { userId: string }) {
  const now = new Date();
  const [owners, policies] = await Promise.all([listOwners(db, userId), listPolicies(db, userId)]);
  return (
    <>
      {owners.length === 0 ? (
        <Alert tone="warning">
          You or one of the organizations you are a member of need to be an owner of at least one package to create Trusted
          Publishing policies.
        </Alert>
      ) : null}
      <TrustedPublishingClient owners={owners.map((o) => o.username)} rows={policies.map((p) => presentPolicy(p, now))} />
    </>
  );
}
