// POST /api/v2/token (spec A5): a GitHub Actions OIDC token traded for a short-lived API key.
// nuget.org's checks in nuget.org's order, each with its status and text; the user and owner
// state are checked only after a policy matched, so a caller learns nothing about accounts.
import { readCapped } from "@/lib/capped-body";
import "server-only";
import { randomUUID } from "node:crypto";
import { generateKey } from "@/lib/api-keys/key-material";
import { USER_ACTIONS } from "@/lib/api-keys/scopes";
import { auditBatch, writeAudit, writeAudits, type AuditEntry } from "@/lib/audit";
import type { Db } from "@/lib/create-db";
import { constraintViolation } from "@/lib/driver-sql";
import { env, type Env } from "@/lib/env";
import { safeHeaderText } from "@/lib/nuget/responses";
import { parseCriteria, serializeCriteria, type GitHubCriteria } from "./criteria";
import { lastUseFromClaims } from "./last-use";
import { bannedEvents, joinReasons, matchPolicy, MATCH_MESSAGES } from "./matching";
import { checkToken, IssuerKeys, type OidcSettings } from "./oidc";
import { roundTripUtc, SHORT_LIVED_KEY_NAME, SHORT_LIVED_KEY_TYPE } from "./short-lived-keys";

export const EXCHANGE_MESSAGES = {
  authMissing: "The Authorization header is missing.",
  authMultiple: "Only one Authorization header is allowed.",
  authNotBearer: "The Authorization header value must start with 'Bearer '.",
  bearerMissing: "The bearer token is missing from the Authorization header.",
  onlyBearer: "Only Bearer token authentication is accepted.",
  contentType: "The request must have a Content-Type of 'application/json'.",
  userAgent: "A User-Agent header is required.",
  username: "The username property in the request body is required.",
  tokenType: "The tokenType property in the request body is required and must set to 'ApiKey'.",
  noMatch: (u: string) => `No matching trust policy owned by user '${u}' was found.`,
  organization:
    "Generating fetching tokens directly for organizations is not supported. The trust policy is created on the profile of one of the organization's administrators and is scoped to the organization in the policy.",
  userState: (u: string, state: AccountState) => accountStateText("user", u, state),
  ownerGone: "The package owner of the match trust policy not longer exists.",
  ownerState: (kind: "user" | "organization", o: string, state: AccountState) => accountStateText(kind, o, state),
  scopes: (o: string) =>
    `The scopes on the generated API key are not valid. Confirm that you still have permissions to operate on behalf of package owner '${o}'.`,
  replay: "This bearer token has already been used. A new bearer token must be used for each request.",
  // ours: nuget.org's ASP.NET caps request bodies before its controller runs
  bodyTooLarge: "The request body is too large.",
} as const;

type AccountState = "deleted" | "locked" | "unconfirmed";

function accountStateText(kind: "user" | "organization", name: string, state: AccountState): string {
  if (state === "unconfirmed") return `The ${kind} '${name}' does not have a confirmed email address.`;
  return `The ${kind} '${name}' is ${state}.`;
}

/** A token request's body is two short fields; nothing near this is one. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Policies tried per exchange: a user with more has the oldest ones tried (each costs an audit row). */
const MAX_POLICIES = 200;

export interface ExchangeSettings extends OidcSettings {
  enabled: boolean;
  keyLifetimeMinutes: number;
  banned: Set<string>;
}

/** TP_AUDIENCE, else APP_URL's origin, else nuget.org's own audience (NuGet/login's default). */
export function defaultAudience(e: Pick<Env, "TP_AUDIENCE" | "APP_URL">): string {
  return e.TP_AUDIENCE ?? (e.APP_URL ? new URL(e.APP_URL).origin : "https://www.nuget.org");
}

export function exchangeSettings(e: Env = env()): ExchangeSettings {
  const issuer = e.TP_GITHUB_ISSUER.replace(/\/+$/, "");
  return {
    enabled: e.TP_ENABLED,
    issuer,
    discoveryUrl: e.TP_GITHUB_DISCOVERY_URL ?? `${issuer}/.well-known/openid-configuration`,
    audience: defaultAudience(e),
    allowInsecureIssuer: e.TP_ALLOW_INSECURE_ISSUER,
    cacheTtlMs: e.TP_JWKS_CACHE_TTL_SECONDS * 1000,
    minRefreshMs: e.TP_JWKS_MIN_REFRESH_SECONDS * 1000,
    clockSkewSeconds: e.TP_CLOCK_SKEW_SECONDS,
    keyLifetimeMinutes: e.TP_KEY_LIFETIME_MINUTES,
    banned: bannedEvents(e.TP_BANNED_EVENTS),
  };
}

const keyCaches = new Map<string, IssuerKeys>();

/** One key cache per issuer configuration, for the process's life. */
export function issuerKeysFor(s: OidcSettings): IssuerKeys {
  const id = `${s.discoveryUrl} ${s.cacheTtlMs} ${s.minRefreshMs}`;
  let keys = keyCaches.get(id);
  if (!keys) keyCaches.set(id, (keys = new IssuerKeys(s)));
  return keys;
}

export type ExchangeAnswer = { status: 200; body: { tokenType: "ApiKey"; expires: string; apiKey: string } } | { status: number; error: string };

export interface ExchangeOptions {
  settings?: ExchangeSettings;
  keys?: IssuerKeys;
  /** whether the request also carries a sign-in session (the route asks Auth.js) */
  signedIn?: () => Promise<boolean>;
  ip?: string | null;
  now?: Date;
}

const refuse = (status: number, error: string): ExchangeAnswer => ({ status, error });

/** The body, at most MAX_BODY_BYTES; null when larger. */
async function readBody(request: Request): Promise<string | null> {
  const bytes = await readCapped(request, MAX_BODY_BYTES);
  return bytes && Buffer.from(bytes).toString("utf8");
}

/** The two fields, bound without regard to case as ASP.NET does; anything unreadable is absent. */
function readFields(text: string): { username: string | null; tokenType: string | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { username: null, tokenType: null };
  }
  const out = { username: null as string | null, tokenType: null as string | null };
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return out;
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== "string") continue;
    if (name.toLowerCase() === "username") out.username = value;
    if (name.toLowerCase() === "tokentype") out.tokenType = value;
  }
  return out;
}

/** The header checks, rows 1 to 4 of A5's table: the bearer token, or the refusal. */
async function checkHeaders(request: Request, signedIn: () => Promise<boolean>): Promise<{ token: string } | { refusal: ExchangeAnswer }> {
  const authorization = request.headers.get("authorization");
  if (authorization === null) return { refusal: refuse(401, EXCHANGE_MESSAGES.authMissing) };
  // repeated headers arrive joined by ", " (server/main.ts joins Node's); a JWT has no comma
  if (authorization.includes(",")) return { refusal: refuse(401, EXCHANGE_MESSAGES.authMultiple) };
  // "Bearer " with nothing after arrives trimmed, as "Bearer"
  if (!/^bearer( |$)/i.test(authorization)) return { refusal: refuse(401, EXCHANGE_MESSAGES.authNotBearer) };
  const token = authorization.slice("bearer ".length).trim();
  if (token === "") return { refusal: refuse(401, EXCHANGE_MESSAGES.bearerMissing) };
  if (await signedIn()) return { refusal: refuse(401, EXCHANGE_MESSAGES.onlyBearer) };
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/json") return { refusal: refuse(415, EXCHANGE_MESSAGES.contentType) };
  if (!request.headers.get("user-agent")?.trim()) return { refusal: refuse(400, EXCHANGE_MESSAGES.userAgent) };
  return { token };
}

interface AccountRow {
  id: string;
  username: string;
  isOrganization: boolean;
  deletedAt: Date | null;
  locked: boolean;
  emailConfirmedAt: Date | null;
}

interface PolicyRow {
  id: string;
  name: string;
  criteria: string;
  ownerId: string;
  createdAt: Date;
  scopes: { action: string; subject: string }[];
  /** read with the policy (one query): its state is looked at only after a match */
  owner: AccountRow & { members: { memberId: string }[] };
}

type Matched = { policy: PolicyRow; criteria: GitHubCriteria };

/**
 * Binds a temporary policy's ids on its first use (spec A4), unless another exchange bound them
 * first: then its ids must be the token's. A conditional update, so racing first uses agree.
 */
async function bindIds(db: Db, m: Matched, bind: { ownerId: string; repositoryId: string }, audits: AuditEntry[], actorId: string): Promise<string | null> {
  const bound: GitHubCriteria = { ...m.criteria, ownerId: bind.ownerId, repositoryId: bind.repositoryId, validateBy: undefined };
  const json = serializeCriteria(bound);
  const { count } = await db.trustedPublishingPolicy.updateMany({ where: { id: m.policy.id, criteria: m.policy.criteria }, data: { criteria: json } });
  if (count === 1) {
    audits.push({ actorId, action: "FirstUsePolicyUpdate", target: m.policy.id, details: { policy: m.policy.name, ownerId: bind.ownerId, repositoryId: bind.repositoryId } });
    return null;
  }
  const now = await db.trustedPublishingPolicy.findUnique({ where: { id: m.policy.id }, select: { criteria: true } });
  const current = now ? parseCriteria(now.criteria) : null;
  const expected = `${bind.ownerId}/${bind.repositoryId}`;
  const actual = current ? `${current.ownerId ?? ""}/${current.repositoryId ?? ""}` : "";
  return expected === actual ? null : MATCH_MESSAGES.concurrentBind(expected, actual);
}

function stateOf(account: { deletedAt: Date | null; locked: boolean; emailConfirmedAt: Date | null }): AccountState | null {
  if (account.deletedAt) return "deleted";
  if (account.locked) return "locked";
  if (!account.emailConfirmedAt) return "unconfirmed";
  return null;
}

const accountSelect = { id: true, username: true, isOrganization: true, deletedAt: true, locked: true, emailConfirmedAt: true } as const;

export async function exchangeToken(db: Db, request: Request, opts: ExchangeOptions = {}): Promise<ExchangeAnswer | null> {
  const settings = opts.settings ?? exchangeSettings();
  // row 0: switched off, the endpoint does not exist
  if (!settings.enabled) return null;
  const now = opts.now ?? new Date();
  const ip = opts.ip ?? null;

  const headers = await checkHeaders(request, opts.signedIn ?? (async () => false));
  if ("refusal" in headers) return headers.refusal;
  const text = await readBody(request);
  if (text === null) return refuse(413, EXCHANGE_MESSAGES.bodyTooLarge);
  const { username, tokenType } = readFields(text);
  if (!username?.trim()) return refuse(400, EXCHANGE_MESSAGES.username);
  if (tokenType !== "ApiKey") return refuse(400, EXCHANGE_MESSAGES.tokenType);

  // row 7: an unknown name ends here, before the token is even parsed
  const name = username.trim();
  const noMatch = refuse(401, EXCHANGE_MESSAGES.noMatch(name));
  if (name.length > 256) return noMatch;
  const user = await db.user.findUnique({ where: { usernameKey: name.toLowerCase() }, select: accountSelect });
  if (!user || user.deletedAt) return noMatch;

  // row 8: the token
  const keys = opts.keys ?? issuerKeysFor(settings);
  const checked = await checkToken(headers.token, settings, keys, now);
  const claimsAudit = (claims: Record<string, unknown> | null) => JSON.stringify(claims ?? {}).slice(0, 8000);
  if (!checked.ok) {
    await writeAudit(db, { actorId: user.id, action: "ExternalTokenRejected", details: { issuer: settings.issuer, reason: checked.message, claims: claimsAudit(checked.claims) }, ip });
    return refuse(401, checked.message);
  }
  const audits: AuditEntry[] = [
    { actorId: user.id, action: "ExternalTokenValidated", target: checked.jti.slice(0, 64), details: { issuer: settings.issuer, claims: claimsAudit(checked.claims) }, ip },
  ];
  // An organization signs in nowhere and creates no policy: nothing of it could match
  if (user.isOrganization) {
    await writeAudits(db, audits);
    return refuse(400, EXCHANGE_MESSAGES.organization);
  }

  // row 8: the user's own policies, oldest first; the first match wins
  const policies: PolicyRow[] = await db.trustedPublishingPolicy.findMany({
    where: { createdById: user.id, provider: "GitHubActions" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: MAX_POLICIES,
    select: {
      id: true,
      name: true,
      criteria: true,
      ownerId: true,
      createdAt: true,
      scopes: { select: { action: true, subject: true } },
      owner: { select: { ...accountSelect, members: { where: { memberId: user.id }, select: { memberId: true } } } },
    },
  });
  const reasons: string[] = [];
  let matched: Matched | null = null;
  for (const policy of policies) {
    let result;
    let criteria: GitHubCriteria;
    try {
      criteria = parseCriteria(policy.criteria);
      result = matchPolicy({ name: policy.name, criteria }, checked.claims, { banned: settings.banned, now });
    } catch {
      // a policy whose evaluation throws simply does not match, and says nothing
      result = { matched: false as const, disclosable: null };
      criteria = null as unknown as GitHubCriteria;
    }
    audits.push({ actorId: user.id, action: "ComparePolicy", target: policy.id, details: { policy: policy.name, matched: result.matched, reason: result.matched ? null : result.disclosable }, ip });
    if (!result.matched) {
      if (result.disclosable) reasons.push(result.disclosable);
      continue;
    }
    if (result.bind) {
      const conflict = await bindIds(db, { policy, criteria }, result.bind, audits, user.id);
      if (conflict) {
        reasons.push(conflict);
        continue;
      }
    }
    matched = { policy, criteria };
    break;
  }
  if (!matched) {
    await writeAudits(db, audits);
    return reasons.length ? refuse(401, joinReasons(reasons)) : noMatch;
  }
  const { policy } = matched;

  // rows 9 to 11, only now that a policy matched
  const fail = async (status: number, error: string) => {
    await writeAudits(db, audits);
    return refuse(status, error);
  };
  const userState = stateOf(user);
  if (userState) return fail(400, EXCHANGE_MESSAGES.userState(user.username, userState));
  // the owner row cascades away with its policies; "gone" stays for a race with its deletion
  const owner = policy.owner;
  if (!owner) return fail(400, EXCHANGE_MESSAGES.ownerGone);
  const ownerState = stateOf(owner);
  if (ownerState) return fail(400, EXCHANGE_MESSAGES.ownerState(owner.isOrganization ? "organization" : "user", owner.username, ownerState));
  // the creator must still act for the owner: both administrators and collaborators may use every action
  if (owner.id !== user.id && owner.members.length === 0) return fail(400, EXCHANGE_MESSAGES.scopes(owner.username));

  // row 12 and the key: the jti and the key in one transaction; a used jti is a replay
  const material = generateKey();
  const expiresAt = new Date(Math.floor(now.getTime() / 1000) * 1000 + settings.keyLifetimeMinutes * 60_000);
  const scopes = policy.scopes.length ? policy.scopes : USER_ACTIONS.filter((a) => a !== "package:pushversion").map((action) => ({ action, subject: "*" }));
  const exp = typeof checked.claims.exp === "number" ? new Date(checked.claims.exp * 1000) : expiresAt;
  const keyId = randomUUID();
  audits.push({
    actorId: user.id,
    action: "ExchangeForApiKey",
    target: policy.id,
    details: { policy: policy.name, owner: owner.username, keyId, expires: expiresAt.toISOString(), jti: checked.jti.slice(0, 64), scopes },
    ip,
  });
  try {
    // one batch: the jti first, so a replay fails before anything else is written
    await db.$transaction([
      db.federatedCredential.create({ data: { policyId: policy.id, jti: checked.jti.slice(0, 64), expiresAt: exp, createdAt: now }, select: { id: true } }),
      db.apiKey.create({
        data: {
          id: keyId,
          userId: user.id,
          ownerId: owner.id,
          type: SHORT_LIVED_KEY_TYPE,
          name: SHORT_LIVED_KEY_NAME,
          lookupId: material.lookupId,
          secretHash: material.secretHash,
          expiresInDays: 0,
          expiresAt,
          createdAt: now,
          policyId: policy.id,
          scopes: { create: scopes.map((sc) => ({ action: sc.action, subject: sc.subject })) },
        },
        select: { id: true },
      }),
      db.trustedPublishingPolicy.update({ where: { id: policy.id }, data: { lastMatchedAt: now, lastUse: lastUseFromClaims(checked.claims, now) }, select: { id: true } }),
      auditBatch(db, audits),
    ]);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    audits.pop();
    audits.push({ actorId: user.id, action: "RejectReplay", target: policy.id, details: { policy: policy.name, jti: checked.jti.slice(0, 64) }, ip });
    await writeAudits(db, audits);
    return refuse(401, EXCHANGE_MESSAGES.replay);
  }
  return { status: 200, body: { tokenType: "ApiKey", expires: roundTripUtc(expiresAt), apiKey: material.plaintext } };
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: unknown })?.code === "P2002" || constraintViolation(e) === "unique";
}

/**
 * The HTTP answer: JSON, the error also as the reason phrase (the NuGet client protocol reads
 * it), WWW-Authenticate: Bearer on 401, never cached. null (switched off) = 404, empty.
 */
export function exchangeResponse(answer: ExchangeAnswer | null): Response {
  const headers: Record<string, string> = { "Cache-Control": "no-store, no-transform" };
  if (!answer) return new Response(null, { status: 404, headers });
  headers["Content-Type"] = "application/json; charset=utf-8";
  if (answer.status === 200 && "body" in answer) return new Response(JSON.stringify(answer.body), { status: 200, headers });
  const error = "error" in answer ? answer.error : "";
  if (answer.status === 401) headers["WWW-Authenticate"] = "Bearer";
  return new Response(JSON.stringify({ error }), { status: answer.status, statusText: safeHeaderText(error), headers });
}
