// A person's two mail settings on Account Settings (nuget.org's ChangeEmailSubscription for
// users): "Users can contact me" (emailAllowed) and the package-published notice. Only the
// session user's own row.
import "server-only";
import type { Db } from "@/lib/create-db";

export interface NotificationSettings {
  emailAllowed: boolean;
  notifyPackagePushed: boolean;
}

export async function notificationSettings(db: Db, userId: string): Promise<NotificationSettings | null> {
  return db.user.findFirst({ where: { id: userId, isOrganization: false }, select: { emailAllowed: true, notifyPackagePushed: true } });
}

export async function changeNotificationSettings(db: Db, userId: string, settings: NotificationSettings): Promise<boolean> {
  const changed = await db.user.updateMany({
    where: { id: userId, isOrganization: false },
    data: { emailAllowed: settings.emailAllowed === true, notifyPackagePushed: settings.notifyPackagePushed === true },
  });
  return changed.count === 1;
}
