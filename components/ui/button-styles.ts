// Shared button looks (nuget.org's blue primary and grey secondary buttons).
export const primaryButton =
  "rounded bg-nuget-blue px-4 py-1.5 text-white hover:bg-[#286090] disabled:cursor-not-allowed disabled:opacity-50";
export const secondaryButton =
  "rounded border border-gray-400 bg-white px-4 py-1.5 hover:bg-gray-100 disabled:cursor-not-allowed disabled:opacity-50";
export const linkButton = "text-nuget-link hover:underline disabled:opacity-50";
