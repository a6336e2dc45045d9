// Site administrators (nuget.org's "Admins" role): the people named by SITE_ADMINS, compared
// without regard to case. A restart picks up a change. Pure but for the environment.
import { envFrom, type RawEnv } from "@/lib/env";

/** Whether `username` is a site administrator; organizations never are (they cannot sign in). */
export function isSiteAdmin(username: string, raw?: RawEnv): boolean {
  const admins = envFrom(raw).SITE_ADMINS ?? [];
  return admins.includes(username.toLowerCase());
}
