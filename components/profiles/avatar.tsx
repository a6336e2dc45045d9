// An account's picture without any outside service (nuget.org asks Gravatar): its initial in a
// square whose colour comes from the name, so one account always looks the same.
const COLOURS = ["#004880", "#1f6f43", "#7a3e9d", "#9c4221", "#2b6cb0", "#8a1c50", "#4a5568", "#2c7a7b"];

export function Avatar({ name, size = 32 }: { name: string; size?: number }) {
  let hash = 0;
  for (const c of name.toLowerCase()) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return (
    <span
      aria-hidden="true"
      className="inline-flex shrink-0 items-center justify-center rounded font-semibold text-white"
      style={{ width: size, height: size, fontSize: Math.round(size * 0.5), backgroundColor: COLOURS[hash % COLOURS.length] }}
    >
      {name.slice(0, 1).toUpperCase()}
    </span>
  );
}
