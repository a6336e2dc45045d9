// The route handlers of the two partner endpoints: the same code, one partner each.
import "server-only";
import { db } from "@/lib/db";
import { appOrigin, clientIp } from "@/lib/request-context";
import { readCapped } from "@/lib/capped-body";
import { keyListFor } from "./key-list";
import { MAX_DISCLOSURE_BYTES, receiveDisclosure, type Partner } from "./partner";

export function partnerHandler(partner: Partner) {
  return async function POST(request: Request): Promise<Response> {
    const body = await readCapped(request, MAX_DISCLOSURE_BYTES);
    if (!body) return Response.json({ error: "The request is too large." }, { status: 413 });
    const answer = await receiveDisclosure(
      db,
      partner,
      { headers: request.headers, body, origin: appOrigin(request.headers), ip: clientIp(request.headers) },
      keyListFor(partner),
    );
    return Response.json(answer.body, { status: answer.status, headers: { "Cache-Control": "no-store" } });
  };
}
