/** The nuget logo mark (the three dots) drawn in SVG, white on the bar. */
export function NugetLogo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={className}>
      <circle cx="6" cy="6" r="4" fill="currentColor" />
      <rect x="12" y="10" width="18" height="18" rx="5" fill="currentColor" />
      <circle cx="17.5" cy="15.5" r="2.6" fill="var(--color-nuget-bar)" />
      <circle cx="24" cy="22.5" r="3.6" fill="var(--color-nuget-bar)" />
    </svg>
  );
}
