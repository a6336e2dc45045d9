// PackageBaseAddress/3.0.0: {"versions": [...]} for an id, lower-cased, unlisted versions too
// (as nuget.org: a client restoring a pinned unlisted version must find it).
import { db } from "@/lib/db";
import { listFlatVersions } from "@/lib/packages/flat-container";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const versions = await listFlatVersions(db, id);
  if (!versions) return new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
  return Response.json({ versions }, { headers: { "Cache-Control": "no-store" } });
}
