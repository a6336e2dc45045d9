// The account rules' numbers, without zod: client components import these, and importing
// validation.ts there would put zod into the browser bundle.
export const USERNAME_MAX = 64;
export const EMAIL_MAX = 255;
export const PASSWORD_MIN = 8;
/** Upper bound so a hostile post cannot make argon2 hash megabytes. */
export const PASSWORD_MAX = 256;
