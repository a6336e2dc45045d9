// Key mails beyond the page's own (lib/api-keys/store.ts): an organization administrator's revoke,
// and the expiry notices (Gallery.CredentialExpiration's "Your API key is about to expire" /
// "Your API key has expired", one key per mail). Pure: the job and the data layer send them.
import { GALLERY_NAME, subject, type Mail } from "@/lib/mail/mailer";
import { ACTION_DESCRIPTIONS, isGlob, type Action } from "./scopes";

const SUPPORT_LINE = "If you did not request this change, please reply to this email to contact support.";

/** To the key's creator when an administrator of its organization revoked it. */
export function organizationRevokedMail(to: string, a: { keyName: string; org: string; admin: string }): Mail {
  return {
    to,
    subject: subject(`API Key '${a.keyName}' Revoked`),
    text: `Your API Key '${a.keyName}' has been revoked by '${a.admin}', an administrator of organization '${a.org}'. It can no longer be used to push or unlist packages for '${a.org}'. ${SUPPORT_LINE}`,
  };
}

/** Which notice: 14, 7 or 1 day(s) before expiry, or once expired. The KeyNotice row's kind. */
export type NoticeKind = "14d" | "7d" | "1d" | "expired";

/** The renew link's path (app/account/apikeys/renew/[keyId]): the key's id only, never a secret. */
export const renewPath = (keyId: string) => `/account/apikeys/renew/${encodeURIComponent(keyId)}`;

export interface NoticeKey {
  name: string;
  ownerUsername: string;
  ownerIsOrganization: boolean;
  creatorUsername: string;
  actions: Action[];
  subjects: string[];
  expiresAt: Date;
  lastUsedAt: Date | null;
  /** the versions it pushed lately, newest first, already bounded by the job */
  recentPushes?: { packageId: string; version: string; pushedAt: Date }[];
}

export interface NoticeLinks {
  /** where the recipient manages the key: /account/apikeys, or the organization's key list */
  manage: string;
  /** issue 14: a one-click renew link, when there is one */
  renew?: string;
}

const DAY_MS = 86_400_000;

/** nuget.org's bullet: "{name} - expires in {n} day(s)." / "{name} - has expired." */
function headline(key: NoticeKey, now: Date): string {
  const ms = key.expiresAt.getTime() - now.getTime();
  if (ms <= 0) return `${key.name} - has expired.`;
  const days = Math.max(1, Math.ceil(ms / DAY_MS));
  return `${key.name} - expires in ${days} ${days === 1 ? "day" : "days"}.`;
}

/** how far back "Recently pushed" looks (the job takes the last few versions within it) */
export const RECENT_PUSH_DAYS = 30;

const utc = (d: Date) => d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

function details(key: NoticeKey): string[] {
  const glob = key.subjects.find(isGlob);
  const ids = key.subjects.filter((s) => !isGlob(s));
  const pushes = key.recentPushes ?? [];
  return [
    `Package owner: ${key.ownerUsername}`,
    ...(key.ownerIsOrganization ? [`Created by: ${key.creatorUsername}`] : []),
    `Scopes: ${key.actions.map((a) => ACTION_DESCRIPTIONS[a] ?? a).join(", ")}`,
    ...(ids.length ? [`Packages: ${ids.join(", ")}`] : []),
    ...(glob ? [`Glob pattern: ${glob}`] : []),
    `Expires: ${utc(key.expiresAt)}`,
    `Last used: ${key.lastUsedAt ? utc(key.lastUsedAt) : "never"}`,
    pushes.length ? "Recently pushed:" : `Recently pushed: nothing in the last ${RECENT_PUSH_DAYS} days`,
    ...pushes.map((p) => `  - ${p.packageId} ${p.version} (${utc(p.pushedAt)})`),
  ];
}

/**
 * One notice about one key to one recipient: its creator ("your following API key(s)"), or an
 * administrator of the organization it acts for ("the following API key(s) of organization …").
 */
export function expiryNoticeMail(
  to: { email: string; username: string },
  key: NoticeKey,
  kind: NoticeKind,
  links: NoticeLinks,
  now: Date,
): Mail {
  const expired = kind === "expired";
  const creator = to.username === key.creatorUsername;
  const whose = creator ? "your following API key(s)" : `the following API key(s) of organization '${key.ownerUsername}'`;
  const intro = expired ? `We wanted to inform you that ${whose} on ${GALLERY_NAME} have expired.` : `We wanted to inform you that ${whose} on ${GALLERY_NAME} will expire soon:`;
  // an administrator cannot regenerate a colleague's key: they are shown where it is listed
  const action = !creator
    ? `Visit ${links.manage} to see every API key of organization '${key.ownerUsername}'. Its creator, '${key.creatorUsername}', can regenerate it on their API Keys page.`
    : expired
      ? `Visit ${links.manage} to generate a new API key(s) so that you can continue pushing packages.`
      : `Visit ${links.manage} to generate a new API key(s) so that you can continue pushing packages using them.`;
  return {
    to: to.email,
    subject: subject(expired ? "Your API key has expired" : "Your API key is about to expire"),
    text: [
      `Hi ${to.username},`,
      "",
      intro,
      "",
      `\u2022 ${headline(key, now)}`,
      ...details(key).map((line) => `  ${line}`),
      "",
      // beyond nuget.org (issue 14): sign in, choose a duration, get the same key with a new value
      ...(links.renew ? [`Renew it with the same settings: ${links.renew}`, ""] : []),
      action,
      "",
      "Best regards,",
      GALLERY_NAME,
      "",
    ].join("\n"),
  };
}
