// Auth.js endpoints: OAuth redirects and callbacks, CSRF token, session, sign-out.
// (Password sign-in itself goes through the server action on /users/account/LogOn.)
import { handlers } from "@/auth";

export const { GET, POST } = handlers;
