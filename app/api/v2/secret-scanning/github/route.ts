// POST: GitHub's secret-scanning partner alerts (lib/leaks/partner.ts). The URL to register with GitHub.
import { partnerHandler } from "@/lib/leaks/partner-route";

export const dynamic = "force-dynamic";
export const POST = partnerHandler("github");
