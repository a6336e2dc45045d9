// GET /api/v2/package (and /api/v2/package/): answers 200 without auth, since NuGet 2.8.7 probes
// the -Source URL before every push and delete. The push itself, PUT on this path, never reaches
// Next: server/main.ts serves it (lib/nuget/push.ts), in `npm run dev` as in production.
import { nugetResponse } from "@/lib/nuget/responses";

export const dynamic = "force-dynamic";

export function GET() {
  return nugetResponse(200, { reason: "OK", detail: "NuGet package publish endpoint: PUT a .nupkg here with an X-NuGet-ApiKey header." });
}
