// POST: deps.dev's (Open Source Insights) secret-scanning alerts: GitHub's format, its own keys and headers.
import { partnerHandler } from "@/lib/leaks/partner-route";

export const dynamic = "force-dynamic";
export const POST = partnerHandler("depsdev");
