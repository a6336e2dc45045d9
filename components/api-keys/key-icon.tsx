// The row icon by state, as nuget.org draws it: a key outline, with a blue sparkle on a new key
// (its value still copyable), a stopwatch on an expired one and a "blocked" sign on a revoked one.
import { RowIcon, type RowIconName } from "./row-icons";

const ICONS: Record<"new" | "revoked" | "expired" | "active", { label: string; badge: RowIconName | null; badgeClass: string }> = {
  new: { label: "New API key", badge: "sparkle", badgeClass: "text-[#0078d4]" },
  revoked: { label: "Revoked API key", badge: "ban", badgeClass: "text-[#a80000]" },
  expired: { label: "Expired API key", badge: "timer", badgeClass: "text-[#212121]" },
  active: { label: "API key", badge: null, badgeClass: "" },
};

export function KeyIcon({ state }: { state: keyof typeof ICONS }) {
  const { label, badge, badgeClass } = ICONS[state];
  return (
    <span role="img" aria-label={label} data-icon={state} className="relative mt-1.5 inline-block h-9 w-9 shrink-0">
      <RowIcon name="key-round" size={32} className="text-[#212121]" />
      {badge ? (
        <span className="absolute right-0 bottom-0 rounded-full bg-white p-px leading-none">
          <RowIcon name={badge} size={15} className={badgeClass} />
        </span>
      ) : null}
    </span>
  );
}
