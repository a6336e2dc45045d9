// Icons drawn once per page as <symbol>s and shown by reference: a list of many rows repeats
// each row's icons, and a <use> is a fifth of the HTML of the full drawing (lucide's SVG).
import type { LucideIcon } from "lucide-react";

/** name → the icon, the stroke width it is drawn with, and its fill ("none" unless given) */
export type SpriteSet = Record<string, readonly [Icon: LucideIcon, strokeWidth: number, fill?: string]>;

export function IconSprite({ icons }: { icons: SpriteSet }) {
  return (
    <svg aria-hidden="true" width="0" height="0" className="absolute">
      {Object.entries(icons).map(([name, [Icon, strokeWidth, fill]]) => (
        <symbol key={name} id={`icon-${name}`} viewBox="0 0 24 24">
          <Icon size={24} strokeWidth={strokeWidth} fill={fill ?? "none"} />
        </symbol>
      ))}
    </svg>
  );
}

/**
 * One icon of a rendered IconSprite. With a label it is an image of that name; without, it is
 * hidden from assistive technology (the text beside it says the same).
 */
export function SpriteIcon({ name, size = 16, label, className = "" }: { name: string; size?: number; label?: string; className?: string }) {
  const a11y = label ? { role: "img", "aria-label": label } : { "aria-hidden": true as const };
  return (
    <svg width={size} height={size} className={`lucide-${name} shrink-0 ${className}`} {...a11y}>
      <use href={`#icon-${name}`} />
    </svg>
  );
}
