import type { Metadata } from "next";
import { SiteHeader } from "@/components/layout/site-header";
import "./globals.css";

// Every page renders per request: its inline scripts carry that request's CSP nonce
// (lib/security-headers.ts), which a page prerendered at build time could not.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "NuGet Gallery", template: "%s | NuGet Gallery" },
  description: "Sign in, create and manage NuGet API keys, and push packages with them.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <SiteHeader />
        <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
      </body>
    </html>
  );
}
