import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // NuGet clients PUT to /api/v2/package/ (trailing slash); Next's default 308 to the slash-less
  // URL would turn a push into a redirect that NuGet 2.8.7 does not follow with its body.
  skipTrailingSlashRedirect: true,
  turbopack: { root: import.meta.dirname },
  experimental: {
    // forbidden() answers nuget.org's 403 "User is not authorized" (app/forbidden.tsx) with the status
    authInterrupts: true,
    // The default 1 MB is enough for our forms; keys and packages never travel through actions.
    serverActions: { bodySizeLimit: "1mb" },
  },
  // The security headers (with a per-request script nonce) are set by server/main.ts, the only
  // way in, on every answer: see lib/security-headers.ts.
};

export default nextConfig;
