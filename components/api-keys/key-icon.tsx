// The row icon by state, as nuget.org draws it: a key outline, with a blue sparkle on a new key
// (its value still copyable), a stopwatch on an expired one and a "blocked" sign on a revoked one.
import Ban from "lucide-react/icons/ban";
import KeyRound from "lucide-react/icons/key-round";
import Sparkle from "lucide-react/icons/sparkle";
import Timer from "lucide-react/icons/timer";

const ICONS = {
  new: { label: "New API key", Badge: Sparkle, badgeClass: "fill-current text-[#0078d4]" },
  revoked: { label: "Revoked API key", Badge: Ban, badgeClass: "text-[#a80000]" },
  expired: { label: "Expired API key", Badge: Timer, badgeClass: "text-[#212121]" },
  active: { label: "API key", Badge: null, badgeClass: "" },
} as const;

export function KeyIcon({ state }: { state: keyof typeof ICONS }) {
  const { label, Badge, badgeClass } = ICONS[state];
  return (
    <span role="img" aria-label={label} data-icon={state} className="relative mt-1.5 inline-block h-9 w-9 shrink-0">
      <KeyRound size={32} strokeWidth={1.5} className="text-[#212121]" />
      {Badge ? (
        <span className="absolute right-0 bottom-0 rounded-full bg-white p-px leading-none">
          <Badge size={15} strokeWidth={2} className={badgeClass} />
        </span>
      ) : null}
    </span>
  );
}
