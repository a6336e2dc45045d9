// A registration leaf, /v3/registration/{id}/{version}.json: one version's listed state, publish
// date and package URL (search results' versions point here, as on nuget.org).
import { db } from "@/lib/db";
import { isValidPackageId, packageIdKey } from "@/lib/nuget/package-id";
import { parseVersion } from "@/lib/nuget/version";
import { appOrigin } from "@/lib/request-context";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string; leaf: string }> }): Promise<Response> {
  const { id, leaf } = await params;
  const version = leaf.toLowerCase().endsWith(".json") ? parseVersion(leaf.slice(0, -".json".length)) : null;
  const row =
    version && version.metadata === null && isValidPackageId(id)
      ? await db.packageVersion.findFirst({
          where: { versionKey: version.key, registration: { idKey: packageIdKey(id) } },
          select: { version: true, listed: true, pushedAt: true, registration: { select: { packageId: true } } },
        })
      : null;
  if (!row) return new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
  const origin = appOrigin(request.headers);
  const idKey = row.registration.packageId.toLowerCase();
  const versionKey = row.version.toLowerCase();
  return Response.json({
    "@id": `${origin}/v3/registration/${idKey}/${versionKey}.json`,
    "@type": ["Package", "http://schema.nuget.org/catalog#Permalink"],
    listed: row.listed,
    // nuget.org's publish date of an unlisted version
    published: row.listed ? row.pushedAt.toISOString() : "1900-01-01T00:00:00+00:00",
    packageContent: `${origin}/v3-flatcontainer/${idKey}/${versionKey}/${idKey}.${versionKey}.nupkg`,
    registration: `${origin}/v3/registration/${idKey}/index.json`,
  });
}
