// The client's address inside a Next request (server actions, pages). Apart from lib/audit.ts:
// next/headers may only be loaded once Next runs, and server/main.ts loads the audit code first.
import "server-only";
import { headers } from "next/headers";
import { clientIp } from "@/lib/audit";

/** The client's address for the request being handled (see clientIp), else unknown. */
export async function requestIp(): Promise<string | null> {
  try {
    return clientIp(await headers());
  } catch {
    return null; // outside a request (scripts, tests)
  }
}
