// The icons of the key rows (row icon and badges, status line, action links), drawn once in
// the page by RowIconSprite and referenced by name from every row.
import Ban from "lucide-react/icons/ban";
import History from "lucide-react/icons/history";
import CircleMinus from "lucide-react/icons/circle-minus";
import Copy from "lucide-react/icons/copy";
import Eye from "lucide-react/icons/eye";
import KeyRound from "lucide-react/icons/key-round";
import Pencil from "lucide-react/icons/pencil";
import RefreshCcw from "lucide-react/icons/refresh-ccw";
import RotateCw from "lucide-react/icons/rotate-cw";
import Sparkle from "lucide-react/icons/sparkle";
import Timer from "lucide-react/icons/timer";
import Trash2 from "lucide-react/icons/trash-2";
import { IconSprite, SpriteIcon, type SpriteSet } from "@/components/ui/icon-sprite";

const ROW_ICONS = {
  "key-round": [KeyRound, 1.5],
  sparkle: [Sparkle, 2, "currentColor"],
  ban: [Ban, 1.75],
  timer: [Timer, 1.75],
  eye: [Eye, 1.75],
  copy: [Copy, 1.75],
  pencil: [Pencil, 1.75],
  "rotate-cw": [RotateCw, 1.75],
  "refresh-ccw": [RefreshCcw, 1.75],
  "trash-2": [Trash2, 1.75],
  "circle-minus": [CircleMinus, 1.75],
  history: [History, 1.75],
} as const satisfies SpriteSet;

export type RowIconName = keyof typeof ROW_ICONS;

export function RowIconSprite() {
  return <IconSprite icons={ROW_ICONS} />;
}

/** A row icon by name (the names the sprite draws). */
export function RowIcon(props: Omit<React.ComponentProps<typeof SpriteIcon>, "name"> & { name: RowIconName }) {
  return <SpriteIcon {...props} />;
}
