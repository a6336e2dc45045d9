// Account Settings (/account), nuget.org's sections that apply here: Email Address with its
// confirmation state, Email Notifications, the linked login accounts, and Password Login; then
// this site's Sessions.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { accountOverview } from "@/lib/accounts/settings";
import { countOtherSessions } from "@/lib/accounts/users";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { ChangePasswordForm } from "./_components/change-password-form";
import { ResendConfirmation } from "./_components/resend-confirmation";
import { NotificationSettings } from "./_components/notification-settings";
import { notificationSettings } from "@/lib/accounts/notifications";
import { SignOutOtherSessions } from "./_components/sign-out-other-sessions";

export const metadata: Metadata = { title: "Account Settings" };

const PROVIDER_NAMES: Record<string, string> = { github: "GitHub", "microsoft-entra-id": "Microsoft" };

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} className="space-y-3 border-t border-gray-300 pt-4">
      <h2 className="text-xl font-light">{title}</h2>
      {children}
    </section>
  );
}

export default async function AccountSettingsPage() {
  const user = await requireUser("/account");
  const [account, otherSessions, notifications] = await Promise.all([
    accountOverview(db, user.id),
    countOtherSessions(db, user.id, user.sessionId),
    notificationSettings(db, user.id),
  ]);
  if (!account || !notifications) notFound();
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-3xl font-light">Account Settings</h1>
      <p>
        Signed in as <strong>{account.username}</strong>
      </p>
      <Section title="Email Address">
        <p>
          <span className="font-semibold">{account.email}</span>{" "}
          {account.emailConfirmedAt ? (
            <span className="ml-2 rounded bg-green-100 px-2 py-0.5 text-sm text-green-900">Confirmed</span>
          ) : (
            <span className="ml-2 rounded bg-yellow-100 px-2 py-0.5 text-sm text-yellow-900">Unconfirmed</span>
          )}
        </p>
        {!account.emailConfirmedAt && (
          <>
            <p>
              Your email address has not been confirmed yet. Open the link in the mail we sent you to confirm it; you need a
              confirmed account to get an API key.
            </p>
            <ResendConfirmation />
          </>
        )}
      </Section>
      <Section title="Email Notifications">
        <NotificationSettings settings={notifications} />
      </Section>
      <Section title="Login Account">
        {account.logins.length > 0 ? (
          <ul className="list-disc pl-6">
            {account.logins.map((p) => (
              <li key={p}>Signed in with {PROVIDER_NAMES[p] ?? p}</li>
            ))}
          </ul>
        ) : (
          <p>You sign in with your username or email address and password.</p>
        )}
      </Section>
      <Section title="Password Login">
        {account.hasPassword ? <ChangePasswordForm /> : <p>This account signs in through an external provider and has no password.</p>}
      </Section>
      <Section title="Sessions">
        <SignOutOtherSessions others={otherSessions} />
      </Section>
    </div>
  );
}
