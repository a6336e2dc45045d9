// Password sign-in: throttle check, account lookup by username or email, argon2id check,
// failure bookkeeping, the session row. The answer never says whether the username or the
// password was wrong.
import "server-only";
import type { Db } from "@/lib/create-db";
import { writeAudit } from "@/lib/audit";
import { hashPassword, verifyPassword } from "./passwords";
import { createSession, type SessionClient } from "./users";
import { accountBucket, checkThrottle, clearAccountFailures, ipBucket, pruneFailures, releaseAttempt, reserveAttempt, throttleLimits, type ThrottleLimits } from "./throttle";

interface SignedInUser {
  id: string;
  username: string;
  email: string;
  /** the new session's row (lib/accounts/users.ts), for the cookie */
  sessionId: string;
}

type SignInResult =
  | { ok: true; user: SignedInUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterMinutes: number }
  | { ok: false; reason: "locked" };

// A hash to verify against when the account does not exist, so both cases take as long.
let dummyHash: Promise<string> | undefined;

export async function attemptSignIn(
  db: Db,
  login: string,
  password: string,
  client: SessionClient,
  limits: ThrottleLimits = throttleLimits(),
): Promise<SignInResult> {
  const key = login.trim().toLowerCase();
  const user = await db.user.findFirst({
    where: { OR: [{ usernameKey: key }, { email: key }], isOrganization: false },
    select: { id: true, username: true, usernameKey: true, email: true, passwordHash: true, locked: true },
  });
  // unknown names are counted too (under the name typed), so the answers do not tell them apart
  const { ip } = client;
  const buckets = { account: accountBucket(user?.usernameKey ?? key), ip: ip ? ipBucket(ip) : null };

  const state = await checkThrottle(db, buckets, limits);
  if (state.blocked) return { ok: false, reason: "throttled", retryAfterMinutes: state.retryAfterMinutes };
  const attempt = await reserveAttempt(db, buckets, limits);
  if (attempt.blocked) return { ok: false, reason: "throttled", retryAfterMinutes: attempt.retryAfterMinutes };

  const hash = user?.passwordHash;
  const ok = hash
    ? await verifyPassword(hash, password)
    : (await verifyPassword(await (dummyHash ??= hashPassword("not-a-password-of-anyone")), password), false);

  if (!user || !hash || !ok) {
    // the reserved rows are this failure's record
    await pruneFailures(db, limits);
    await writeAudit(db, { actorId: user?.id ?? null, action: user ? "FailedLoginInvalidPassword" : "FailedLoginNoSuchUser", target: user?.username, ip });
    return { ok: false, reason: "invalid" };
  }
  await releaseAttempt(db, attempt.ids);
  if (user.locked) return { ok: false, reason: "locked" };
  // only while the password is still the one just checked: changed meanwhile, it is wrong now
  const sessionId = await createSession(db, user.id, client, { passwordHash: hash });
  if (!sessionId) return { ok: false, reason: "invalid" };
  await clearAccountFailures(db, buckets.account);
  await writeAudit(db, { actorId: user.id, action: "Login", target: user.username, details: { method: "password" }, ip });
  return { ok: true, user: { id: user.id, username: user.username, email: user.email, sessionId } };
}

export const INVALID_CREDENTIALS_MESSAGE = "The username or password provided is incorrect.";
export const LOCKED_MESSAGE = "This account is locked. Please contact support.";
