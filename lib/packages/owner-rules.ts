// Package owners: nuget.org's texts (Strings.resx, ServicesStrings.resx, _ManageOwners.cshtml,
// page-manage-owners.js) for the data layer, the pages and their tests. Pure: the owners section
// (a client component) reads its confirmations from here.

export const OWNER_MESSAGES = {
  nameIsEmail: "You must add an owner by username, not an email address.",
  packageNotFound: "Package not found.",
  currentUserNotFound: "Current user not found.",
  userLocked: "Your user account is locked. Please contact support@nuget.org.",
  notPackageOwner: "You are not the package owner.",
  ownerNotFound: "Owner not found.",
  ownerUnconfirmed: (name: string) => `Sorry, '${name}' hasn't verified their email account yet and we cannot proceed with the request.`,
  accountLocked: (name: string) => `Account '${name}' is locked. Please contact support@nuget.org.`,
  alreadyOwner: (name: string) => `The user '${name}' is already an owner or pending owner of the package.`,
  // ours: nuget.org's RemoveOwner_NotOwner text is not in the spec
  notOwner: (name: string) => `The user '${name}' is not an owner or pending owner of the package.`,
  onlyOwner: "You can't remove the only owner from a package.",
  removeNotAllowed: (actor: string, owner: string) => `The user '${actor}' does not have permission to remove the owner '${owner}'.`,
  maxOwners: (max: number) =>
    `The new package owner cannot be added. The package has the maximum number of owners (${max}). An existing owner must be removed to proceed.`,
  maxRequests: (max: number) =>
    `The package ownership request cannot be saved. The package already has the maximum number of ownership requests (${max}). An existing ownership request must be removed to proceed.`,
  noPermission: "You do not have permission to manage the owners of this package.",
  requestNotFound:
    "Make sure you clicked on the confirmation URL in the email we sent. It's also possible that the existing owner revoked the request to add you as an owner.",
  notYourRequest: (name: string) => `This request link is for the user '${name}', if you wish to accept it, please sign in as that user and click the link again.`,
} as const;

/** page-manage-owners.js's confirm() texts: removing yourself or your organization. */
export const REMOVE_CONFIRMATIONS = {
  self: "Are you sure you want to remove yourself as an owner of this package?",
  organization: "Are you sure you want to remove your organization as an owner of this package?",
  /** appended when that owner is the only one giving you access */
  lastAccess: "You will no longer be able to manage the package if you do.",
} as const;

/** The text of a removal's confirm(), or null when nuget.org asks nothing (another owner, a pending one). */
export function removeConfirmation(owner: { isYou: boolean; isYourOrganization: boolean; onlyAccess: boolean }): string | null {
  const question = owner.isYourOrganization ? REMOVE_CONFIRMATIONS.organization : owner.isYou ? REMOVE_CONFIRMATIONS.self : null;
  return question && (owner.onlyAccess ? `${question} ${REMOVE_CONFIRMATIONS.lastAccess}` : question);
}

/** What the ownership-request pages say once answered (ours: nuget.org's ConfirmOwner view is not in the spec). */
export const ANSWERED = {
  confirm: (id: string, owner: string) => `'${owner}' is now an owner of the '${id}' package.`,
  reject: (id: string, owner: string) => `The request to add '${owner}' as an owner of the '${id}' package has been declined.`,
  cancel: (id: string, owner: string) => `The request to add '${owner}' as an owner of the '${id}' package has been cancelled.`,
} as const;

/** nuget.org compares usernames to its email pattern; a username can never hold an "@". */
export const looksLikeEmail = (name: string) => name.includes("@");

/** A reservation matches an id as a prefix (StartsWith) or exactly, both ignoring case. */
export function namespaceMatches(ns: { valueKey: string; isPrefix: boolean }, packageId: string): boolean {
  const id = packageId.toLowerCase();
  return ns.isPrefix ? id.startsWith(ns.valueKey) : id === ns.valueKey;
}

/** Every value a matching reservation could hold: each prefix of the id, the id itself included (lower case). */
export function namespaceCandidates(packageId: string): string[] {
  const id = packageId.toLowerCase();
  return Array.from({ length: id.length }, (_, i) => id.slice(0, i + 1));
}
