// Transforming a user account into an organization: nuget.org's texts (Strings.resx
// TransformAccount_*, Views/Users/TransformToOrganization.cshtml) and the form's rule, shared by
// the data layer, the pages and their tests. No server-only import: the form uses them too.
import { z } from "zod";
import { USERNAME_MAX } from "@/lib/accounts/rules";

export const TRANSFORM_MESSAGES = {
  accountUnconfirmed: (me: string) => `Account '${me}' should be a confirmed user.`,
  accountLocked: (me: string) => `Account '${me}' is locked and cannot be transformed to an organization. Please contact support@nuget.org.`,
  alreadyOrganization: (me: string) => `Account '${me}' is already an organization.`,
  memberOfOrganizations: "You are a member of one or more organizations. You must leave all organizations before transforming your account.",
  adminByEmail: "You must choose an administrator by username, not an email address.",
  adminUnknown: (admin: string) => `Administrator account '${admin}' does not exist.`,
  adminIsSelf: (admin: string) => `Administrator account '${admin}' cannot be the same account as the one being transformed.`,
  adminUnconfirmed: (admin: string) => `Administrator account '${admin}' has not confirmed their email address.`,
  adminIsOrganization: (admin: string) => `Administrator account '${admin}' cannot be an organization.`,
  inProgress: (admin: string) => `A transform request, with account '${admin}' as administrator, is in progress. A new request will override any existing request(s).`,
  signInAsAdmin: (admin: string, me: string) => `Please sign in as administrator '${admin}' to finish transforming account '${me}' into an organization.`,
  confirmation: (admin: string, me: string) =>
    `You have added '${admin}' as an administrator. Administrators have full control over their organizations, including the ability to add and remove other members.\n\nExisting API keys owned by this account, '${me}', will be transferred to '${admin}' on transformation. Full access legacy API keys will not be transferred.`,
  transformed: (me: string) => `Account '${me}' was successfully transformed into an organization.`,
  declined: (me: string) => `The transform request for you to become an admin of '${me}' has been successfully cancelled.`,
  cancelled: "The transform request for your account has been successfully cancelled.",
  // nuget.org's TransformAccount_OrganizationAccountDoesNotExist
  accountUnknown: (me: string) => `Organization account '${me}' does not exist.`,
  // ours: nuget.org answers these with a generic "failed" (TransformAccount_Failed, …MissingRequestToCancel)
  noRequest: (me: string) => `There is no pending request to transform account '${me}' into an organization with you as its administrator and that token.`,
  noRequestToCancel: "There is no pending request to transform your account into an organization with that token.",
  failedHeading: "Failed to transform account to an organization",
} as const;

export const transformSchema = z.object({
  adminUsername: z
    .string()
    .trim()
    .min(1, "The Administrator field is required.")
    .max(USERNAME_MAX, `The field Administrator must be a string with a maximum length of ${USERNAME_MAX}.`),
});
