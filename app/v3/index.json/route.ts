// The V3 service index: NuGet 5.8+ reads it to find where to push (PackagePublish/2.0.0),
// download from (PackageBaseAddress/3.0.0, the flat container), resolve dependencies
// (RegistrationsBaseUrl) and search (SearchQueryService).
// NuGet 2.8.7 cannot use it (it PUTs to /v3/index.json/); it needs -Source BASE/api/v2/package.
import { appOrigin } from "@/lib/request-context";

export const dynamic = "force-dynamic";

export function GET(request: Request): Response {
  const origin = appOrigin(request.headers);
  return Response.json({
    version: "3.0.0",
    resources: [
      { "@id": `${origin}/api/v2/package`, "@type": "PackagePublish/2.0.0", comment: "Push, unlist and relist packages" },
      { "@id": `${origin}/v3-flatcontainer/`, "@type": "PackageBaseAddress/3.0.0", comment: "Base URL of where NuGet packages are stored, in the format https://api.nuget.org/v3-flatcontainer/{id-lower}/{version-lower}/{id-lower}.{version-lower}.nupkg" },
      // semVer 2 versions are served too, so 3.6.0 (clients pick the newest type they know)
      ...["RegistrationsBaseUrl", "RegistrationsBaseUrl/3.0.0-beta", "RegistrationsBaseUrl/3.0.0-rc", "RegistrationsBaseUrl/3.6.0"].map((type) => ({
        "@id": `${origin}/v3/registration/`,
        "@type": type,
        comment: "Base URL of where NuGet package registration info is stored",
      })),
      ...["SearchQueryService", "SearchQueryService/3.0.0-beta", "SearchQueryService/3.0.0-rc", "SearchQueryService/3.5.0"].map((type) => ({
        "@id": `${origin}/v3/query`,
        "@type": type,
        comment: "Query endpoint of NuGet Search service",
      })),
    ],
    "@context": { "@vocab": "http://schema.nuget.org/services#", comment: "http://www.w3.org/2000/01/rdf-schema#comment" },
  });
}
