// Beyond nuget.org (PyPI does it): when a long-lived API key pushes a package that a Trusted
// Publishing policy of the same owner covers, its user is mailed once that the key can be
// retired, and the key's row on the API Keys page says so. Off the push's path: one indexed read
// after the version is stored (nothing when the key was already hinted: the read's join drops
// it), a claim and a mail only when a policy covers the package; errors are logged, never the push's.
import "server-only";
import type { Db } from "@/lib/create-db";
import { driverReader, driverWriter, type DriverSql } from "@/lib/driver-sql";
import { logError } from "@/lib/log";
import { sendMail, subject } from "@/lib/mail/mailer";
import { appOrigin } from "@/lib/request-context";
import { ACTIONS, subjectAllows } from "@/lib/api-keys/scopes";
import { FORCE_API_KEYS_PATH, TRUSTED_PUBLISHING_PATH } from "./era";

interface PolicyScopes {
  name: string;
  scopes: { action: string; subject: string }[];
}

/** The policies of the key's owner with their scopes, only while the key is long-lived and not hinted yet. */
export const HINT_POLICIES: DriverSql = {
  name: "tp_hint_policies",
  sqlite: `SELECT json_group_array(json_object('name', p.name, 'scopes',
        json((SELECT json_group_array(json_object('action', s.action, 'subject', s.subject)) FROM TrustedPublishingScope s WHERE s.policyId = p.id)))) AS policies
    FROM TrustedPublishingPolicy p JOIN ApiKey k ON k.id = ? AND k.policyId IS NULL AND k.trustedPublishingHintAt IS NULL
    WHERE p.ownerId = ?`,
  postgresql: `SELECT coalesce(json_agg(json_build_object('name', p.name, 'scopes',
        (SELECT coalesce(json_agg(json_build_object('action', s.action, 'subject', s.subject)), '[]'::json) FROM "TrustedPublishingScope" s WHERE s."policyId" = p.id))), '[]'::json) AS policies
    FROM "TrustedPublishingPolicy" p JOIN "ApiKey" k ON k.id = $1 AND k."policyId" IS NULL AND k."trustedPublishingHintAt" IS NULL
    WHERE p."ownerId" = $2`,
  columns: { policies: "json" },
};

/** Claims the hint: of concurrent pushes with one key, exactly one gets the row back and mails. */
export const HINT_CLAIM: DriverSql = {
  name: "tp_hint_claim",
  sqlite: `UPDATE ApiKey SET trustedPublishingHintAt = ? WHERE id = ? AND trustedPublishingHintAt IS NULL RETURNING name, userId`,
  postgresql: `UPDATE "ApiKey" SET "trustedPublishingHintAt" = $1 WHERE id = $2 AND "trustedPublishingHintAt" IS NULL RETURNING name, "userId"`,
};

/** Whether a policy's scopes allow pushing this id (a new id needs push; an existing one push or push-version). None = all on *. */
export function policyCovers(p: PolicyScopes, packageId: string, newId: boolean): boolean {
  if (p.scopes.length === 0) return true;
  return p.scopes.some(
    (s) => (s.action === ACTIONS.push || (!newId && s.action === ACTIONS.pushVersion)) && subjectAllows(s.subject, packageId),
  );
}

interface PushedWith {
  key: { id: string; ownerId: string; ownerUsername: string; type: string };
  packageId: string;
  version: string;
  newId: boolean;
  headers: Pick<Headers, "get">;
}

/** Never throws; the push has its answer already. */
export async function hintTrustedPublishing(db: Db, pushed: PushedWith, now = new Date()): Promise<boolean> {
  try {
    const { key } = pushed;
    if (key.type !== "apikey.v4") return false;
    const row = await driverReader(db).one<{ policies: PolicyScopes[] }>(HINT_POLICIES, [key.id, key.ownerId]);
    const policy = row?.policies.find((p) => policyCovers(p, pushed.packageId, pushed.newId));
    if (!policy) return false;
    const claimed = await driverWriter(db).transaction([{ sql: HINT_CLAIM, params: [now, key.id] }], (rows) => rows[0] as { name: string; userId: string } | undefined);
    if (!claimed) return false;
    const user = await db.user.findUnique({ where: { id: claimed.userId }, select: { email: true } });
    if (!user) return false;
    const origin = appOrigin(pushed.headers);
    await sendMail({
      to: user.email,
      subject: subject(`API key '${claimed.name}' can be replaced by Trusted Publishing`),
      text:
        `Your API key '${claimed.name}' just pushed ${pushed.packageId} ${pushed.version}. The Trusted Publishing policy ` +
        `'${policy.name}' of ${key.ownerUsername} covers this package: a GitHub Actions workflow can publish it with a ` +
        `short-lived key instead, so no long-lived key has to be stored in your CI.\n\n` +
        `Once your workflow publishes with Trusted Publishing, revoke or delete this key:\n${origin}${FORCE_API_KEYS_PATH}\n\n` +
        `Your Trusted Publishing policies:\n${origin}${TRUSTED_PUBLISHING_PATH}\n\n` +
        `This is the only mail about this key.`,
    });
    return true;
  } catch (e) {
    logError(`trusted publishing hint for API key ${pushed.key.id} failed`, e);
    return false;
  }
}

/** The user's long-lived keys that were hinted while their owner still has a policy (the API Keys page marks them). */
export async function listReplaceableKeyIds(db: Db, userId: string): Promise<Set<string>> {
  const rows = await db.apiKey.findMany({
    where: { userId, policyId: null, trustedPublishingHintAt: { not: null }, owner: { policiesOwned: { some: {} } } },
    select: { id: true },
  });
  return new Set(rows.map((r) => r.id));
}
