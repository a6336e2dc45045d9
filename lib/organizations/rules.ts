// Organizations' form rules and nuget.org's messages (OrganizationsController, UserService,
// ServicesStrings.resx), shared by the data layer, the actions and their tests.
import { z } from "zod";
import { EMAIL_MAX, USERNAME_MAX } from "@/lib/accounts/rules";
import { EMAIL_MESSAGE, USERNAME_MESSAGE, USERNAME_PATTERN } from "@/lib/accounts/validation";

export const ORG_MESSAGES = {
  notAuthorized: "User is not authorized",
  userLocked: "Your user account is locked. Please contact support@nuget.org.",
  nameTaken: (name: string) => `The username '${name}' is not available.`,
  emailTaken: (email: string) => `The email address '${email}' is already in use by a different account.`,
  orgUnconfirmed: "Your organization must be confirmed before you can change its membership.",
  alreadyMember: (name: string) => `User '${name}' is already a member of this organization.`,
  memberByEmail: "You must add a member by username, not an email address.",
  // sic: nuget.org's string ends with a space
  unknownUser: (name: string) => `User '${name}' does not exist. `,
  userUnconfirmed: (name: string) => `User '${name}' has not confirmed their email.`,
  memberIsOrganization: (name: string) => `User '${name}' is an organization and cannot be a member of another organization.`,
  // sic: "for join"
  noRequestWithToken: (name: string) => `There is no request for user '${name}' for join this organization with that token.`,
  noRequest: (name: string) => `There is no request for user '${name}' to join this organization.`,
  memberNotFound: (name: string) => `Organization member '${name}' was not found.`,
  lastAdminDemote: "You can't change your role to collaborator. In order to change, another collaborator must be assigned as an administrator.",
  lastAdminLeave: "You can't leave the organization. In order to leave the organization, another collaborator must be assigned as an administrator.",
  cancelled: "The pending organization member was deleted.",
  deleted: "The organization member was deleted.",
  // beyond nuget.org (spec §16): invitations expire and can be sent again
  invitationExpired: (org: string) => `This invitation has expired. Ask an administrator of '${org}' to send it again.`,
  resent: (name: string) => `The invitation to '${name}' was sent again.`,
} as const;

export const addOrganizationSchema = z.object({
  organizationName: z
    .string()
    .trim()
    .min(1, "The Organization Name field is required.")
    .max(USERNAME_MAX, `The field Organization Name must be a string with a maximum length of ${USERNAME_MAX}.`)
    .regex(USERNAME_PATTERN, USERNAME_MESSAGE),
  emailAddress: z
    .string()
    .trim()
    .min(1, "The Organization Email Address field is required.")
    .max(EMAIL_MAX, `The field Organization Email Address must be a string with a maximum length of ${EMAIL_MAX}.`)
    .pipe(z.email(EMAIL_MESSAGE))
    .transform((e) => e.toLowerCase()),
});
export type AddOrganizationInput = z.infer<typeof addOrganizationSchema>;

/** nuget.org's two roles: "an administrator" / "a collaborator" in its mails. */
export function roleWithArticle(isAdmin: boolean): string {
  return isAdmin ? "an administrator" : "a collaborator";
}
