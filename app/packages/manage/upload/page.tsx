// GET /packages/manage/upload: nuget.org's Upload Package. Step 1 chooses and uploads a .nupkg
// (components/packages/upload-form.tsx, posting to ./file); while the user has a pending upload
// (lib/packages/pending-uploads.ts) the page is step 2, Verify: what the package says of itself,
// then Submit (published as a push) or Cancel. A reload shows the same step.
import type { Metadata } from "next";
import { UploadForm } from "@/components/packages/upload-form";
import { VerifyUploadForm } from "@/components/packages/verify-upload-form";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { maxPackageBytes } from "@/lib/nuget/read-body";
import { formatBytes } from "@/lib/nuget/responses";
import { viewPendingUpload, type VerifyView } from "@/lib/packages/pending-uploads";
import { renderReadme } from "@/lib/packages/readme-markdown";
import type { DependencyGroup } from "@/lib/packages/registration";
import { requireUser } from "@/lib/session";

export const metadata: Metadata = { title: "Upload Package" };

export default async function UploadPackagePage() {
  const user = await requireUser("/packages/manage/upload");
  const verify = await viewPendingUpload(db, user.id);
  return (
    <div className="max-w-5xl space-y-4">
      <h1 className="text-3xl font-light">Upload Package</h1>
      {verify ? (
        <Verify view={verify} />
      ) : (
        <>
          <p>
            Your package file will be uploaded and hosted on this gallery server. It is checked as a push is: its ID must be new or yours (or one of your
            organizations&apos;), the version new, and it must hold no API key. At most {formatBytes(maxPackageBytes())}.
          </p>
          <UploadForm maxBytes={maxPackageBytes()} />
        </>
      )}
    </div>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 border-b border-gray-200 py-2 sm:grid-cols-[10rem_1fr]">
      <dt className="font-semibold">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

function License({ details }: { details: NonNullable<VerifyView["details"]> }) {
  if (details.license) return <>{details.license.type === "file" ? `License file: ${details.license.value}` : details.license.value}</>;
  if (details.licenseUrl && /^https?:\/\//i.test(details.licenseUrl)) {
    return (
      <a href={details.licenseUrl} rel="nofollow noopener noreferrer ugc">
        {details.licenseUrl}
      </a>
    );
  }
  return <span className="text-gray-700">None given</span>;
}

function Dependencies({ groups }: { groups: DependencyGroup[] }) {
  if (groups.length === 0) return <p>This package has no dependencies.</p>;
  return (
    <ul className="space-y-2">
      {groups.map((g, i) => (
        <li key={`${g.targetFramework}-${i}`}>
          <span className="font-semibold">{g.targetFramework || "Any framework"}</span>
          {g.dependencies.length === 0 ? (
            <p className="ml-4">No dependencies.</p>
          ) : (
            <ul className="ml-4 list-disc pl-4">
              {g.dependencies.map((d) => (
                <li key={d.id}>
                  {d.id} {d.range && <span className="text-gray-700">({d.range})</span>}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

function Verify({ view }: { view: VerifyView }) {
  const { upload, details, options, minutesLeft } = view;
  return (
    <section aria-labelledby="verify-heading" className="space-y-4">
      <h2 id="verify-heading" tabIndex={-1} className="text-2xl font-light">
        Verify
      </h2>
      <p>
        Check the details of <span className="font-semibold">{upload.fileName ?? "the package"}</span> below, then Submit to publish it or Cancel to
        discard it. It waits {minutesLeft === 1 ? "1 more minute" : `${minutesLeft} more minutes`} (uploads are kept for {env().UPLOAD_PENDING_MINUTES} minutes).
      </p>
      <dl aria-label="Package details">
        <Row label="Package ID">{upload.packageId}</Row>
        <Row label="Version">{upload.version}</Row>
        {details ? (
          <>
            <Row label="Title">{details.title ?? <span className="text-gray-700">None given</span>}</Row>
            <Row label="Description">
              <span className="whitespace-pre-line">{details.description}</span>
            </Row>
            <Row label="Authors">{details.authors}</Row>
            <Row label="License">
              <License details={details} />
            </Row>
          </>
        ) : (
          <Row label="Details">The package is too large for its details to be shown here.</Row>
        )}
        {options.ok && options.existing && <Row label="Owners">{options.owners.map((o) => o.username).join(", ")}</Row>}
      </dl>
      <section aria-labelledby="dependencies-heading">
        <h3 id="dependencies-heading" className="text-xl font-light">
          Dependencies
        </h3>
        <Dependencies groups={view.dependencyGroups} />
      </section>
      <section aria-labelledby="readme-heading">
        <h3 id="readme-heading" className="text-xl font-light">
          Readme
        </h3>
        {details?.readme ? (
          // markdown-it with raw HTML escaped and only http(s) links (lib/packages/readme-markdown.ts)
          <div data-testid="readme" className="readme rounded border border-gray-300 px-4 py-2" dangerouslySetInnerHTML={{ __html: renderReadme(details.readme) }} />
        ) : (
          <p>This package has no readme.</p>
        )}
      </section>
      <VerifyUploadForm
        uploadId={upload.id}
        owners={options.ok ? options.owners.map((o) => o.username) : []}
        chooseOwner={options.ok && !options.existing}
        refusal={options.ok ? null : options.message}
      />
    </section>
  );
}
