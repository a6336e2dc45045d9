// The security headers on every answer, set by server/main.ts before Next or the push writes
// anything (the only way in: `npm start`, the e2e run and `npm run dev` all run that server).
//
// A strict CSP: scripts only from this origin or with this request's nonce, which Next puts on
// its inline bootstrap scripts (it reads it from the request's Content-Security-Policy header,
// server/edge.ts). Every page renders per request anyway (each reads the session), so the
// nonce costs no static page. Styles keep 'unsafe-inline': React's style attributes need it.
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** HSTS only when the public URL (APP_URL) is https: a browser must never be pinned to https on a plain-http install. */
export function securityHeaders({ nonce, https }: { nonce: string; https: boolean }): { key: string; value: string }[] {
  return [
    { key: "Content-Security-Policy", value: contentSecurityPolicy(nonce) },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
    ...(https ? [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }] : []),
  ];
}
