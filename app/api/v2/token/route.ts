// POST /api/v2/token, Trusted Publishing's token exchange (lib/trusted-publishing/exchange.ts).
// Only POST is routed, as on nuget.org: every other method gets 404.
import { db } from "@/lib/db";
import { clientIp } from "@/lib/request-context";
import { getOptionalUser } from "@/lib/session";
import { exchangeResponse, exchangeToken } from "@/lib/trusted-publishing/exchange";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const answer = await exchangeToken(db, request, {
    // a session is looked for only when a cookie could carry one
    signedIn: async () => request.headers.has("cookie") && (await getOptionalUser()) !== null,
    ip: clientIp(request.headers),
  });
  return exchangeResponse(answer);
}

const notFound = async () => new Response(null, { status: 404 });
export { notFound as GET, notFound as PUT, notFound as PATCH, notFound as DELETE, notFound as OPTIONS };
