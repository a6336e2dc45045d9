// The mail for a key revoked because it leaked: nuget.org's CredentialRevokedMessage ("friendly
// NuGet security bot"), to the key's holder and, for a key acting for an organization, to each
// of its administrators. Sent in the background (queueMails): a report is answered without
// waiting for the mail server, and a mail failure is logged, never undoes a revocation.
import { GALLERY_NAME, sendMail, subject, type Mail } from "@/lib/mail/mailer";
import { logError } from "@/lib/log";

export type LeakSource = "GitHub" | "deps.dev" | "Report" | "Push";

/** Where the key was posted, in the sentence "…was posted at {where}." */
export function postedAt(source: LeakSource, detail?: string | null): string {
  switch (source) {
    case "GitHub":
      return detail ? `GitHub (${detail.toLowerCase()})` : "GitHub";
    case "deps.dev":
      return "deps.dev (Open Source Insights)";
    case "Report":
      return "a location reported via the public revocation API";
    case "Push":
      return `a package pushed to the ${GALLERY_NAME}`;
  }
}

export interface LeakMailInput {
  to: string;
  /** the holder's username, or the administrator's */
  greet: string;
  keyName: string;
  source: LeakSource;
  /** GitHub's `source` field (commit, content…), or null */
  sourceDetail: string | null;
  /** where it was found; empty or null when the reporter gave none */
  url: string | null;
  origin: string;
  /** set when the mail goes to an organization's administrator, not the holder */
  organization?: { name: string; holder: string };
}

export function leakMail(m: LeakMailInput): Mail {
  const whose = m.organization
    ? `held by '${m.organization.holder}' and acting for your organization '${m.organization.name}'`
    : "associated with your account";
  const found = m.url
    ? `Your key was found here: <${m.url}>`
    : "We were not provided with the URL where the key was found.";
  return {
    to: m.to,
    subject: subject(`API key '${m.keyName}' revoked due to a potential leak`),
    text: `Hi ${m.greet},

This is your friendly NuGet security bot! It appears that an API key '${m.keyName}' ${whose} was posted at ${postedAt(m.source, m.sourceDetail)}. As a precautionary measure, we have revoked this key to protect your account and packages. Please review your packages for any unauthorized activity.

${found}

In the future, please be mindful of accidentally exposing your API keys. Keep them out of files you commit or pack: store them in a NuGet.Config outside the repository (nuget setapikey), in environment variables, or in your CI system's secrets (for example GitHub encrypted secrets).

To regenerate the key or create a new one, go to Manage API Keys:
${m.origin}/account/apikeys

If you have questions, reply to this email to contact support.

Thanks,
The ${GALLERY_NAME} Team
`,
  };
}

const inFlight = new Set<Promise<void>>();

/** Sends in the background, one at a time per call; failures are logged. */
export function queueMails(mails: Mail[]): void {
  if (mails.length === 0) return;
  const run = (async () => {
    for (const mail of mails) {
      try {
        await sendMail(mail);
      } catch (e) {
        logError("[leaks] mail failed", e);
      }
    }
  })();
  inFlight.add(run);
  void run.finally(() => inFlight.delete(run));
}

/** Resolves when every queued mail has been sent or has failed (tests; a graceful stop). */
export async function settleLeakMails(): Promise<void> {
  while (inFlight.size) await Promise.all([...inFlight]);
}
