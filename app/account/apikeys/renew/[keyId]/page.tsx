// GET /account/apikeys/renew/{keyId}: the expiry notices' renew link (issue 14, beyond nuget.org).
// Signed out, proxy.ts and requireUser send the visitor to sign-in and back here. The id grants
// nothing: another account's key is a 404; an organization administrator who is not the key's
// holder is told who can renew it.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AccountBreadcrumb } from "@/components/layout/account-breadcrumb";
import { Alert } from "@/components/ui/alert";
import { RenewForm } from "@/components/api-keys/renew-form";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { ACTION_DESCRIPTIONS } from "@/lib/api-keys/scopes";
import { findRenewableKey, refusalText, renewDurations } from "@/lib/api-keys/renew";
import { renewPath } from "@/lib/api-keys/notice-mails";
import { renewKeyAction } from "./actions";

export const metadata: Metadata = { title: "Renew API Key" };

const utc = (d: Date) => d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

export default async function RenewKeyPage({ params }: { params: Promise<{ keyId: string }> }) {
  const { keyId } = await params;
  const user = await requireUser(renewPath(keyId));
  const found = keyId.length <= 64 ? await findRenewableKey(db, user.id, keyId) : ({ ok: false, reason: "notFound" } as const);
  if (!found.ok && found.reason === "notFound") notFound();
  return (
    <div className="max-w-4xl">
      <AccountBreadcrumb username={user.username} title="Renew API key" />
      {!user.emailConfirmed ? (
        <Alert tone="warning" role="alert">
          To get an API Key you will need to <Link href="/account/confirm">confirm your account</Link>.
        </Alert>
      ) : !found.ok ? (
        <Alert tone="danger" role="alert" testId="renew-refused">
          {refusalText(found)}
        </Alert>
      ) : (
        <>
          <dl data-testid="renew-key" className="my-3 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1">
            <dt className="font-semibold">Key Name:</dt>
            <dd className="break-all">{found.key.name}</dd>
            <dt className="font-semibold">Package Owner:</dt>
            <dd>{found.key.ownerUsername}</dd>
            <dt className="font-semibold">Scopes:</dt>
            <dd>{found.key.actions.map((a) => ACTION_DESCRIPTIONS[a] ?? a).join(", ")}</dd>
            {found.key.packageIds.length ? (
              <>
                <dt className="font-semibold">Packages:</dt>
                <dd className="break-all">{found.key.packageIds.join(", ")}</dd>
              </>
            ) : null}
            {found.key.glob ? (
              <>
                <dt className="font-semibold">Glob pattern:</dt>
                <dd className="break-all">{found.key.glob}</dd>
              </>
            ) : null}
            <dt className="font-semibold">{found.key.expired ? "Expired:" : "Expires:"}</dt>
            <dd>
              <time dateTime={found.key.expiresAt.toISOString()}>{utc(found.key.expiresAt)}</time>
            </dd>
          </dl>
          <RenewForm
            keyName={found.key.name}
            durations={renewDurations()}
            defaultDays={found.key.expiresInDays}
            action={renewKeyAction.bind(null, found.key.id)}
          />
        </>
      )}
    </div>
  );
}
