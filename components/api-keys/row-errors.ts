// nuget.org's error banners for the row actions, whatever the server's reason.
export const ROW_ERRORS = {
  edit: "An error occurred while editing an API key. Please try again.",
  regenerate: "An error occurred while regenerating the API key. Please try again.",
  delete: "An error occurred while deleting the API key. Please try again.",
  revoke: "An error occurred while revoking the API key. Please try again.",
  // ours (roll with overlap)
  roll: "An error occurred while rolling the API key. Please try again.",
  endOverlap: "An error occurred while ending the overlap. Please try again.",
} as const;
