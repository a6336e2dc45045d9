import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // NuGet clients PUT to /api/v2/package/ (trailing slash); Next's default 308 to the slash-less
  // URL would turn a push into a redirect that NuGet 2.8.7 does not follow with its body.
  skipTrailingSlashRedirect: true,
  turbopack: { root: import.meta.dirname },
  experimental: {
    // The default 1 MB is enough for our forms; keys and packages never travel through actions.
    serverActions: { bodySizeLimit: "1mb" },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [...SECURITY_HEADERS],
      },
    ];
  },
};

export default nextConfig;
