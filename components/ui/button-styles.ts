// Shared button looks (nuget.org's blue primary and grey secondary buttons, its icon links).
export const primaryButton =
  "rounded bg-nuget-blue px-4 py-1.5 text-white hover:bg-[#286090] disabled:cursor-not-allowed disabled:opacity-50";
export const secondaryButton =
  "rounded border border-gray-400 bg-white px-4 py-1.5 hover:bg-gray-100 disabled:cursor-not-allowed disabled:opacity-50";
export const linkButton = "text-nuget-link hover:underline disabled:opacity-50";
/** A link with its icon in front, as nuget.org's row actions (Copy, Edit, Regenerate …). */
export const iconLinkButton = `${linkButton} inline-flex items-center gap-1`;
