import type { NextConfig } from "next";

// A strict CSP. Next's inline bootstrap scripts need 'unsafe-inline' for scripts unless a
// nonce is threaded through every render (which forces dynamic rendering everywhere);
// everything else is locked to this origin.
const csp = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'self'",
  "object-src 'none'",
].join("; ");

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
        headers: [
          { key: "Content-Security-Policy", value: csp },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
