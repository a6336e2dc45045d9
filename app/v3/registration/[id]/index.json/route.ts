// RegistrationsBaseUrl: an id's metadata, every version in one inlined page (unlisted ones with
// listed: false and nuget.org's 1900 publish date), with dependency groups from each .nuspec.
import { db } from "@/lib/db";
import { readRegistration } from "@/lib/packages/registration";
import { appOrigin } from "@/lib/request-context";

export const dynamic = "force-dynamic";

/** nuget.org's "published" of an unlisted version */
const UNLISTED_PUBLISHED = "1900-01-01T00:00:00+00:00";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const registration = await readRegistration(db, id);
  if (!registration) return new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
  const origin = appOrigin(request.headers);
  const idKey = registration.packageId.toLowerCase();
  const base = `${origin}/v3/registration/${idKey}`;
  const index = `${base}/index.json`;
  const items = registration.versions.map((v) => {
    const versionKey = v.version.toLowerCase();
    const leaf = `${base}/${versionKey}.json`;
    const packageContent = `${origin}/v3-flatcontainer/${idKey}/${versionKey}/${idKey}.${versionKey}.nupkg`;
    return {
      "@id": leaf,
      "@type": "Package",
      catalogEntry: {
        "@id": `${leaf}#catalogEntry`,
        "@type": "PackageDetails",
        id: registration.packageId,
        version: v.version,
        listed: v.listed,
        published: v.listed ? v.pushedAt.toISOString() : UNLISTED_PUBLISHED,
        verified: registration.verified,
        packageContent,
        dependencyGroups: v.dependencyGroups.map((g, i) => ({
          "@id": `${leaf}#dependencygroup/${i}`,
          "@type": "PackageDependencyGroup",
          ...(g.targetFramework ? { targetFramework: g.targetFramework } : {}),
          dependencies: g.dependencies.map((d) => ({
            "@id": `${leaf}#dependencygroup/${i}/${d.id.toLowerCase()}`,
            "@type": "PackageDependency",
            id: d.id,
            range: d.range || "(, )",
            registration: `${origin}/v3/registration/${d.id.toLowerCase()}/index.json`,
          })),
        })),
      },
      packageContent,
      registration: index,
    };
  });
  const lower = registration.versions[0]?.version.toLowerCase() ?? "";
  const upper = registration.versions.at(-1)?.version.toLowerCase() ?? "";
  return Response.json({
    "@id": index,
    "@type": ["catalog:CatalogRoot", "PackageRegistration", "catalog:Permalink"],
    count: 1,
    items: [{ "@id": `${index}#page/${lower}/${upper}`, "@type": "catalog:CatalogPage", count: items.length, lower, upper, parent: index, items }],
  });
}
