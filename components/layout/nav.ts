// nuget.org's main navigation, in its order (no framework imports: the e2e tests read it too).
// The sections this site does not have lead to nuget.org's own pages.
export const NAV = [
  { href: "/packages", label: "Packages" },
  { href: "/packages/manage/upload", label: "Upload" },
  { href: "https://www.nuget.org/stats", label: "Statistics" },
  { href: "https://learn.microsoft.com/nuget/", label: "Documentation" },
  { href: "https://www.nuget.org/downloads", label: "Downloads" },
  { href: "https://devblogs.microsoft.com/nuget/", label: "Blog" },
] as const;

export const isExternal = (href: string) => /^https:\/\//.test(href);
