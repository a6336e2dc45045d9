// SearchQueryService (3.0.0-beta/-rc, 3.5.0): the V3 search JSON over listed packages, by the
// words of their id and description (lib/packages/search.ts), with their download counts.
import { db } from "@/lib/db";
import { appOrigin } from "@/lib/request-context";
import { readSearchQuery, searchPackages } from "@/lib/packages/search";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const read = readSearchQuery(new URL(request.url).searchParams);
  if (!read.ok) return Response.json({ error: read.reason }, { status: 400 });
  const origin = appOrigin(request.headers);
  const { totalHits, hits } = await searchPackages(db, read.query);
  const registrations = `${origin}/v3/registration`;
  return Response.json({
    totalHits,
    data: hits.map((h) => {
      const idKey = h.packageId.toLowerCase();
      return {
        "@id": `${registrations}/${idKey}/index.json`,
        "@type": "Package",
        registration: `${registrations}/${idKey}/index.json`,
        id: h.packageId,
        version: h.version,
        description: h.description ?? "",
        summary: "",
        title: h.packageId,
        authors: [],
        owners: [],
        tags: [],
        totalDownloads: h.totalDownloads,
        verified: h.verified,
        packageTypes: [{ name: "Dependency" }],
        versions: h.versions.map((v) => ({ version: v.version, downloads: v.downloads, "@id": `${registrations}/${idKey}/${v.version.toLowerCase()}.json` })),
      };
    }),
  });
}
