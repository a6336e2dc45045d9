// The row icon by state, as nuget.org: new (value still copyable), revoked, expired, normal.
const ICONS = {
  new: { glyph: "✦", label: "New API key", className: "bg-amber-100 text-amber-700" },
  revoked: { glyph: "⊘", label: "Revoked API key", className: "bg-red-100 text-red-700" },
  expired: { glyph: "⏱", label: "Expired API key", className: "bg-gray-200 text-gray-700" },
  active: { glyph: "🔑", label: "API key", className: "bg-sky-100 text-sky-800" },
} as const;

export function KeyIcon({ state }: { state: keyof typeof ICONS }) {
  const icon = ICONS[state];
  return (
    <span
      role="img"
      aria-label={icon.label}
      data-icon={state}
      className={`inline-flex h-10 w-10 shrink-0 items-center justify-center rounded text-xl ${icon.className}`}
    >
      {icon.glyph}
    </span>
  );
}
