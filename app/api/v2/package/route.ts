// PUT /api/v2/package (and /api/v2/package/): push a .nupkg (multipart, first part).
// In production server/main.ts answers the PUT itself with the same push(); this route serves it
// under `next dev`. GET answers 200 without auth: NuGet 2.8.7 probes the -Source URL before
// every push/delete.
import { nugetResponse, toResponse } from "@/lib/nuget/responses";
import { push } from "../_lib/push";

export const dynamic = "force-dynamic";

export function GET() {
  return nugetResponse(200, { reason: "OK", detail: "NuGet package publish endpoint: PUT a .nupkg here with an X-NuGet-ApiKey header." });
}

export async function PUT(request: Request): Promise<Response> {
  return toResponse(await push(request));
}
