// The row icon by state, as nuget.org: new (value still copyable), revoked, expired, normal.
// Inline SVG: no icon font, no emoji that a system may lack.
const ICONS = {
  new: { label: "New API key", className: "bg-amber-100 text-amber-700", d: "M12 2l2.9 6.9L22 9.3l-5.4 4.8L18.2 22 12 18.3 5.8 22l1.6-7.9L2 9.3l7.1-.4z" },
  revoked: {
    label: "Revoked API key",
    className: "bg-red-100 text-red-700",
    d: "M12 2a10 10 0 100 20 10 10 0 000-20zm0 2.5a7.5 7.5 0 016 12L7.5 6a7.5 7.5 0 014.5-1.5zM6 7.5L16.5 18A7.5 7.5 0 016 7.5z",
  },
  expired: {
    label: "Expired API key",
    className: "bg-gray-200 text-gray-700",
    d: "M10 1h4v2h-4zm2 4a9 9 0 110 18 9 9 0 010-18zm0 2.5a6.5 6.5 0 100 13 6.5 6.5 0 000-13zM11 9h2v5h-2z",
  },
  active: {
    label: "API key",
    className: "bg-sky-100 text-sky-800",
    d: "M7 9a5 5 0 119.6 2H22v3h-2v3h-3v-3h-1.4A5 5 0 017 9zm5-2a2 2 0 100 4 2 2 0 000-4z",
  },
} as const;

export function KeyIcon({ state }: { state: keyof typeof ICONS }) {
  const icon = ICONS[state];
  return (
    <span
      role="img"
      aria-label={icon.label}
      data-icon={state}
      className={`inline-flex h-10 w-10 shrink-0 items-center justify-center rounded ${icon.className}`}
    >
      <svg viewBox="0 0 24 24" width="22" height="22" fill="currentColor" aria-hidden="true">
        <path d={icon.d} fillRule="evenodd" />
      </svg>
    </span>
  );
}
