"use client";
// The organization page's own sections, in nuget.org's order (ManageOrganization.cshtml with
// _AccountChangeEmail, _AccountChangeNotifications, _AccountProfilePicture): administrators get
// the forms; a collaborator sees the same values read-only (nuget.org draws them disabled).
import { useActionState } from "react";
import Link from "next/link";
import { idle, type ActionState } from "@/lib/action-state";
import { FormMessage, inputClass } from "@/components/ui/field";
import { primaryButton, secondaryButton } from "@/components/ui/button-styles";
import {
  cancelOrganizationEmailChangeAction,
  changeOrganizationEmailAction,
  changeOrganizationNotificationsAction,
} from "@/app/organization/settings-actions";
import type { OrganizationSettings } from "@/lib/organizations/settings";

function Section({ id, title, summary, children }: { id: string; title: string; summary?: React.ReactNode; children?: React.ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-3 border-t border-gray-300 pt-4">
      <h2 id={`${id}-heading`} className="text-2xl font-light">
        {title}
      </h2>
      {summary !== undefined && <p className="text-gray-700">{summary}</p>}
      {children}
    </section>
  );
}

const message = (s: ActionState) => (s.status === "error" ? { error: s.message } : s.status === "ok" ? { ok: s.message } : {});

export function EmailSection({ org }: { org: OrganizationSettings }) {
  const [changed, change, changing] = useActionState<ActionState, FormData>(changeOrganizationEmailAction.bind(null, org.username), idle);
  const [reset, cancel, cancelling] = useActionState<ActionState>(cancelOrganizationEmailChangeAction.bind(null, org.username), idle);
  const pending = org.pendingEmail !== null;
  const fieldError = changed.status === "error" ? changed.fieldErrors?.newEmail?.join(" ") : undefined;
  return (
    <Section id="change-email" title={pending ? "Pending Email Address" : "Email Address"} summary={org.pendingEmail ?? org.email}>
      {org.isAdmin && (
        <>
          <FormMessage {...(reset.status !== "idle" ? message(reset) : message(changed))} />
          {pending && org.confirmed ? (
            <form action={cancel} aria-label="Reset email address">
              <button type="submit" className={primaryButton} disabled={cancelling}>
                Reset to Confirmed Email Address
              </button>
            </form>
          ) : (
            <form action={change} aria-label="Change email address" className="max-w-md space-y-2">
              <label htmlFor="newEmail" className="block font-semibold">
                New Email Address
              </label>
              <input
                id="newEmail"
                name="newEmail"
                type="email"
                required
                defaultValue={changed.status === "error" ? changed.values?.newEmail : undefined}
                aria-invalid={fieldError ? true : undefined}
                aria-describedby="newEmail-error"
                className={inputClass}
              />
              <p id="newEmail-error" aria-live="polite" className="text-sm text-red-700">
                {fieldError ?? ""}
              </p>
              <button type="submit" className={primaryButton} disabled={changing}>
                Save
              </button>
            </form>
          )}
        </>
      )}
    </Section>
  );
}

export function NotificationsSection({ org }: { org: OrganizationSettings }) {
  const [state, save, saving] = useActionState<ActionState, FormData>(changeOrganizationNotificationsAction.bind(null, org.username), idle);
  const readOnly = !org.isAdmin;
  return (
    <Section
      id="change-notifications"
      title="Email Notifications"
      summary={`${org.emailAllowed ? "Users can contact" : "Users can not contact"} | ${org.notifyPackagePushed ? "Receiving package push notifications" : "Not receiving package push notifications"}`}
    >
      <FormMessage {...message(state)} />
      <form action={save} aria-label="Change email subscription settings" className="space-y-3">
        <div>
          <label className="flex items-start gap-2">
            <input type="checkbox" name="emailAllowed" value="true" defaultChecked={org.emailAllowed} disabled={readOnly} className="mt-1" />
            <b>Users can contact the organization through the Contact Owners form</b>
          </label>
          <p className="ml-6 text-sm">
            This setting allows other registered users of the site to contact your organization about packages that it owns using the{" "}
            <em>Contact Owners</em> form, or to request that your organization become an owner of their package. Disabling this setting means
            users cannot contact your organization for these reasons.
          </p>
        </div>
        <div>
          <label className="flex items-start gap-2">
            <input type="checkbox" name="notifyPackagePushed" value="true" defaultChecked={org.notifyPackagePushed} disabled={readOnly} className="mt-1" />
            <b>Notify when a package is published to NuGet Gallery</b>
          </label>
          <p className="ml-6 text-sm">
            This setting enables notifications whenever a package is published to your account. We recommend enabling this setting so that you
            can inspect whether a package was published intentionally and so that you can be notified if there are unexpected delays in
            publishing your package.
          </p>
        </div>
        <p>
          <strong>Note: </strong>We will always send important account management and security notices. Also, we never reveal the organization
          email address to other users.
        </p>
        {!readOnly && (
          <button type="submit" className={primaryButton} disabled={saving}>
            Save
          </button>
        )}
      </form>
    </Section>
  );
}

/** No outside service (the site runs offline): the organization's initial in a square, as the breadcrumb's avatar. */
export function ProfilePictureSection({ org }: { org: OrganizationSettings }) {
  return (
    <Section id="profile-picture" title={org.confirmed ? "Profile Picture" : "Profile Picture (preview)"}>
      <span aria-label={`${org.username} profile picture`} role="img" className="inline-flex h-16 w-16 items-center justify-center rounded bg-nuget-bar text-3xl text-white">
        {org.username.slice(0, 1).toUpperCase()}
      </span>
    </Section>
  );
}

export function DeleteSection({ org }: { org: OrganizationSettings }) {
  if (!org.isAdmin) return null;
  return (
    <Section id="delete-organization" title="Delete" summary="Delete this organization">
      <div className="flex gap-2">
        <Link href={`/organization/${encodeURIComponent(org.username)}/DeleteRequest`} role="button" className={primaryButton}>
          Delete
        </Link>
        <Link href={`/organization/${encodeURIComponent(org.username)}`} role="button" className={secondaryButton}>
          Cancel
        </Link>
      </div>
    </Section>
  );
}
