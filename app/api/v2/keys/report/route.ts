// POST: the public leak report (lib/leaks/report.ts). No sign-in: anyone who finds a key may report it.
import { db } from "@/lib/db";
import { readCapped } from "@/lib/capped-body";
import { MAX_REPORT_BYTES, receiveLeakReport } from "@/lib/leaks/report";
import { appOrigin, clientIp } from "@/lib/request-context";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const body = await readCapped(request, MAX_REPORT_BYTES);
  const { answer } = await receiveLeakReport(db, { body, ip: clientIp(request.headers), origin: appOrigin(request.headers) });
  // the revoking goes on after the answer (`work` logs its own failures)
  return Response.json(answer.body, { status: answer.status, headers: { "Cache-Control": "no-store", ...answer.headers } });
}
