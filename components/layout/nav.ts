// nuget.org's main navigation, in its order (no framework imports: the e2e tests read it too).
export const NAV = [
  { href: "/packages", label: "Packages" },
  { href: "/packages/manage/upload", label: "Upload" },
  { href: "/stats", label: "Statistics" },
  { href: "/docs", label: "Documentation" },
  { href: "/downloads", label: "Downloads" },
  { href: "/blog", label: "Blog" },
] as const;
