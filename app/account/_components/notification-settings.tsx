"use client";
// Account Settings' two mail settings, in nuget.org's words (_AccountChangeNotifications.cshtml, user variant).
import { useActionState } from "react";
import { idle } from "@/lib/action-state";
import { FormMessage } from "@/components/ui/field";
import { SubmitButton } from "@/app/users/account/_components/submit-button";
import type { NotificationSettings as Settings } from "@/lib/accounts/notifications";
import { changeNotificationsAction } from "../notification-actions";

export function NotificationSettings({ settings }: { settings: Settings }) {
  const [state, action] = useActionState(changeNotificationsAction, idle);
  return (
    <form action={action} aria-label="Change email subscription settings" className="space-y-3">
      <p className="text-gray-700">
        {`${settings.emailAllowed ? "Users can contact you" : "Users can not contact you"} | ${settings.notifyPackagePushed ? "Receiving package push notifications" : "Not receiving package push notifications"}`}
      </p>
      <FormMessage error={state.status === "error" ? state.message : undefined} ok={state.status === "ok" ? state.message : undefined} />
      <div>
        <label className="flex items-start gap-2">
          <input type="checkbox" name="emailAllowed" value="true" defaultChecked={settings.emailAllowed} className="mt-1" />
          <b>Users can contact me through the Contact Owners form</b>
        </label>
        <p className="ml-6 text-sm">
          This setting allows other registered users of the site to contact you about packages that you own using the <em>Contact Owners</em> form,
          or to request that you become an owner of their package. Disabling this setting means users cannot contact you for these reasons.
        </p>
      </div>
      <div>
        <label className="flex items-start gap-2">
          <input type="checkbox" name="notifyPackagePushed" value="true" defaultChecked={settings.notifyPackagePushed} className="mt-1" />
          <b>Notify when a package is published to NuGet Gallery</b>
        </label>
        <p className="ml-6 text-sm">
          This setting enables notifications whenever a package is published to your account. We recommend enabling this setting so that you can
          inspect whether a package was published intentionally and so that you can be notified if there are unexpected delays in publishing your
          package.
        </p>
      </div>
      <p>
        <strong>Note: </strong>We will always send important account management and security notices. Also, we never reveal your email address to
        other users.
      </p>
      <SubmitButton>Save</SubmitButton>
    </form>
  );
}
