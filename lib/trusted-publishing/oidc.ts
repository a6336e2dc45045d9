// The OIDC token check of the exchange (spec A6 step 1): nuget.org's issuer-independent checks
// with their exact messages, then the signature and standard claims with jose, RS256 only. The
// issuer's keys come from its discovery document's jwks_uri, cached; an unknown kid refetches
// once, at most every minRefreshMs; concurrent requests share one fetch in flight.
import { readCapped } from "@/lib/capped-body";
import { decodeJwt, decodeProtectedHeader, errors, importJWK, jwtVerify, type JWK, type JWTPayload } from "jose";

export const JWT_MESSAGES = {
  unparsable: "The bearer token could not be parsed as a JSON web token.",
  audCount: "The JSON web token must have exactly one aud claim value.",
  audMissing: "The JSON web token must have an aud claim.",
  issMissing: "The JSON web token must have an iss claim.",
  issNotHttps: "The JSON web token iss claim must be a valid HTTPS URL.",
  issUnsupported: "The JSON web token iss claim is not supported.",
  jtiMissing: "The JSON web token must have a jti claim.",
  expired: "The JSON web token has expired.",
  notYetValid: "The JSON web token is not yet valid.",
  badAudience: "The JSON web token has an incorrect audience.",
  badSignature: "The JSON web token has an invalid signature.",
  notValidated: "The JSON web token could not be validated.",
} as const;

export interface OidcSettings {
  issuer: string;
  discoveryUrl: string;
  audience: string;
  /** tests only: a plain-http issuer (lib/env.ts refuses it with NODE_ENV=production) */
  allowInsecureIssuer: boolean;
  cacheTtlMs: number;
  minRefreshMs: number;
  clockSkewSeconds: number;
}

/** A GitHub OIDC token is about 1 KB; anything far larger is not one (and buys no parsing). */
export const MAX_TOKEN_CHARS = 16 * 1024;
/** The discovery document and the key set: GitHub's are a few KB. */
const MAX_DOCUMENT_BYTES = 256 * 1024;
const FETCH_TIMEOUT_MS = 5_000;
/** Keys taken from one key set at most. */
const MAX_KEYS = 100;

type PublicKey = Awaited<ReturnType<typeof importJWK>>;

/** Reads a JSON document of at most MAX_DOCUMENT_BYTES, within FETCH_TIMEOUT_MS, no redirects. */
async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "error", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bytes = await readCapped(response, MAX_DOCUMENT_BYTES);
  if (bytes === null) throw new Error(`${url}: over ${MAX_DOCUMENT_BYTES} bytes`);
  return JSON.parse(Buffer.from(bytes).toString("utf8"));
}

interface KeySet {
  keys: Map<string, PublicKey>;
  fetchedAt: number;
}

/**
 * The issuer's signing keys by kid. `fetches` counts key-set downloads (the benchmark and the
 * tests read it). A failed fetch keeps the previous keys.
 */
export class IssuerKeys {
  private current: KeySet | null = null;
  private inFlight: Promise<KeySet> | null = null;
  private lastAttempt = -Infinity;
  fetches = 0;

  constructor(private readonly settings: Pick<OidcSettings, "discoveryUrl" | "cacheTtlMs" | "minRefreshMs">) {}

  private refresh(now: number): Promise<KeySet> {
    // one download for every request waiting on it
    this.inFlight ??= (async () => {
      this.lastAttempt = now;
      try {
        const discovery = (await fetchJson(this.settings.discoveryUrl)) as { jwks_uri?: unknown };
        if (typeof discovery?.jwks_uri !== "string") throw new Error(`${this.settings.discoveryUrl}: no jwks_uri`);
        this.fetches++;
        const jwks = (await fetchJson(discovery.jwks_uri)) as { keys?: unknown };
        if (!Array.isArray(jwks?.keys)) throw new Error(`${discovery.jwks_uri}: no keys`);
        const keys = new Map<string, PublicKey>();
        for (const jwk of jwks.keys.slice(0, MAX_KEYS) as JWK[]) {
          // only RSA signing keys: a key of another type cannot be used to pass off another algorithm
          if (jwk?.kty !== "RSA" || typeof jwk.kid !== "string" || (jwk.use !== undefined && jwk.use !== "sig")) continue;
          if (jwk.alg !== undefined && jwk.alg !== "RS256") continue;
          try {
            keys.set(jwk.kid, await importJWK({ kty: jwk.kty, n: jwk.n, e: jwk.e }, "RS256"));
          } catch {
            // a malformed key is skipped; the others still serve
          }
        }
        this.current = { keys, fetchedAt: Date.now() };
        return this.current;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** The key for `kid`, or null when the issuer does not publish it (after at most one refetch). */
  async get(kid: string): Promise<PublicKey | null> {
    const now = Date.now();
    const fresh = this.current && now - this.current.fetchedAt < this.settings.cacheTtlMs ? this.current : null;
    if (fresh?.keys.has(kid)) return fresh.keys.get(kid)!;
    // stale or absent: fetch; fresh but without this kid: refetch, no more often than the floor
    if (!this.inFlight && fresh && now - this.lastAttempt < this.settings.minRefreshMs) return null;
    let keys: KeySet;
    try {
      keys = await (this.inFlight ?? this.refresh(now));
    } catch (e) {
      // the issuer unreachable: the keys last fetched still serve (GitHub rotates rarely)
      if (!this.current) throw e;
      keys = this.current;
    }
    return keys.keys.get(kid) ?? null;
  }
}

export type TokenCheck = { ok: true; claims: JWTPayload & Record<string, unknown>; jti: string } | { ok: false; message: string; claims: Record<string, unknown> | null };

class UnknownKey extends Error {}

function authority(url: URL): string {
  return url.host.toLowerCase();
}

/**
 * nuget.org's checks in its order (spec A6 step 1), each failure with its message; `now` for
 * lifetime (the injectable clock).
 */
export async function checkToken(token: string, settings: OidcSettings, keys: IssuerKeys, now = new Date()): Promise<TokenCheck> {
  let claims: JWTPayload & Record<string, unknown>;
  let alg: string | undefined;
  try {
    if (token.length > MAX_TOKEN_CHARS) throw new Error("too long");
    alg = decodeProtectedHeader(token).alg;
    claims = decodeJwt(token) as JWTPayload & Record<string, unknown>;
  } catch {
    return { ok: false, message: JWT_MESSAGES.unparsable, claims: null };
  }
  const fail = (message: string): TokenCheck => ({ ok: false, message, claims });

  const aud = claims.aud;
  if (Array.isArray(aud) && aud.length !== 1) return fail(aud.length === 0 ? JWT_MESSAGES.audMissing : JWT_MESSAGES.audCount);
  const audience = Array.isArray(aud) ? aud[0] : aud;
  if (typeof audience !== "string" || audience.trim() === "") return fail(JWT_MESSAGES.audMissing);

  if (typeof claims.iss !== "string" || claims.iss.trim() === "") return fail(JWT_MESSAGES.issMissing);
  let iss: URL;
  try {
    iss = new URL(claims.iss);
  } catch {
    return fail(JWT_MESSAGES.issNotHttps);
  }
  if (iss.protocol !== "https:" && !(settings.allowInsecureIssuer && iss.protocol === "http:")) return fail(JWT_MESSAGES.issNotHttps);
  if (authority(iss) !== authority(new URL(settings.issuer))) return fail(JWT_MESSAGES.issUnsupported);

  if (typeof claims.jti !== "string" || claims.jti.trim() === "") return fail(JWT_MESSAGES.jtiMissing);
  if (alg !== "RS256") return fail(JWT_MESSAGES.notValidated);

  try {
    const verified = await jwtVerify(
      token,
      async (header) => {
        const key = typeof header.kid === "string" ? await keys.get(header.kid) : null;
        if (!key) throw new UnknownKey();
        return key;
      },
      {
        algorithms: ["RS256"],
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: settings.clockSkewSeconds,
        requiredClaims: ["exp"],
        currentDate: now,
      },
    );
    return { ok: true, claims: verified.payload as JWTPayload & Record<string, unknown>, jti: claims.jti };
  } catch (e) {
    return fail(messageFor(e));
  }
}

function messageFor(e: unknown): string {
  if (e instanceof UnknownKey || e instanceof errors.JWSSignatureVerificationFailed) return JWT_MESSAGES.badSignature;
  if (e instanceof errors.JWTExpired) return JWT_MESSAGES.expired;
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === "nbf") return JWT_MESSAGES.notYetValid;
    if (e.claim === "aud") return JWT_MESSAGES.badAudience;
  }
  return JWT_MESSAGES.notValidated;
}
