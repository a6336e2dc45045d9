// Upload Package's error texts, shared by the page (checked before sending) and the server. Pure.
// nuget.org's (NuGetGallery Strings.resx) where it has one; ours otherwise.
import { MESSAGES } from "@/lib/nuget/responses";

export const UPLOAD_MESSAGES = {
  fileRequired: "A package file is required.",
  notNupkg: "The file must be a .nupkg file.",
  // sic: no space after the colon, as nuget.org's UploadPackage_InvalidPackage
  invalid: (why: string) => `The NuGet package is invalid. The error encountered was:'${why}'. Correct the error and try again.`,
  idNotAvailable: (id: string) => `The package ID '${id}' is not available.`,
  versionExists: MESSAGES.versionExists,
  tooLarge: MESSAGES.tooLarge,
  accountUnconfirmed: "Confirm your email address (see Account Settings) before you upload a package.",
  organizationUnconfirmed: "Your organization needs to be confirmed before you can upload any packages to it.",
  gone: "This upload is no longer waiting to be submitted (it was submitted, cancelled, replaced or expired). Upload the package again.",
  ownerNotAllowed: (owner: string) => `You cannot publish this package as '${owner}'. Choose one of the owners listed.`,
} as const;

/** The page's own check before sending: null when the file may go. */
export function fileProblem(file: { name: string; size: number } | null, maxBytes: number): string | null {
  if (!file || file.size === 0) return UPLOAD_MESSAGES.fileRequired;
  if (!file.name.toLowerCase().endsWith(".nupkg")) return UPLOAD_MESSAGES.notNupkg;
  if (file.size > maxBytes) return UPLOAD_MESSAGES.tooLarge(maxBytes);
  return null;
}
