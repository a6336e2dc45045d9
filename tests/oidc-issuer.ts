// A loopback OIDC issuer playing GitHub Actions' (spec B2): RSA key pairs test-1 and test-2 made
// with Node's crypto, a mutable published key list, a count of key-set downloads, and tokens
// minted with jose carrying GitHub's claims. Plain http for vitest; https (a given certificate)
// for the e2e server, which runs with NODE_ENV=production where a plain-http issuer is refused.
import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK } from "jose";

export interface TestIssuer {
  url: string;
  /** kids published in the key set, in order; change it to rotate */
  published: string[];
  /** key-set (jwks) downloads so far */
  jwksHits: number;
  discoveryHits: number;
  privateKey(kid: string): KeyObject;
  publicKey(kid: string): KeyObject;
  mint(claims?: Record<string, unknown>, opts?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

export interface MintOptions {
  kid?: string;
  /** sign with this kid's private key but name another kid in the header */
  signWith?: string;
  /** seconds relative to now: iat/nbf and exp */
  nbf?: number;
  exp?: number;
  now?: Date;
}

/** The default identity (spec B2 step 4): contoso/contoso-sdk, ids 65/74, release.yml on push. */
export function githubClaims(issuer: string, audience: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: issuer,
    aud: audience,
    jti: randomUUID(),
    sub: "repo:contoso/contoso-sdk:ref:refs/heads/main",
    repository: "contoso/contoso-sdk",
    repository_id: "74",
    repository_owner: "contoso",
    repository_owner_id: "65",
    repository_visibility: "public",
    job_workflow_ref: "contoso/contoso-sdk/.github/workflows/release.yml@refs/heads/main",
    workflow_ref: "contoso/contoso-sdk/.github/workflows/release.yml@refs/heads/main",
    event_name: "push",
    ref: "refs/heads/main",
    ref_type: "branch",
    sha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
    run_id: "1234567890",
    run_attempt: "1",
    actor: "octocat",
    actor_id: "583231",
    runner_environment: "github-hosted",
    ...over,
  };
}

export async function startIssuer(opts: { audience: string; tls?: { key: string; cert: string }; port?: number; host?: string }): Promise<TestIssuer> {
  const pairs = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();
  for (const kid of ["test-1", "test-2", "rogue"]) pairs.set(kid, generateKeyPairSync("rsa", { modulusLength: 2048 }));
  const jwks = new Map<string, object>();
  for (const [kid, pair] of pairs) jwks.set(kid, { ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" });

  let url = "";
  const issuer: TestIssuer = {
    url: "",
    published: ["test-1"],
    jwksHits: 0,
    discoveryHits: 0,
    privateKey: (kid) => pairs.get(kid)!.privateKey,
    publicKey: (kid) => pairs.get(kid)!.publicKey,
    async mint(over = {}, m = {}) {
      const now = Math.floor((m.now ?? new Date()).getTime() / 1000);
      const claims = githubClaims(url, opts.audience, { iat: now + (m.nbf ?? 0), nbf: now + (m.nbf ?? 0), exp: now + (m.exp ?? 300), ...over });
      for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
      const kid = m.kid ?? "test-1";
      return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(pairs.get(m.signWith ?? kid)!.privateKey);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const json = (body: unknown) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/.well-known/openid-configuration") {
      issuer.discoveryHits++;
      return json({ issuer: url, jwks_uri: `${url}/.well-known/jwks`, id_token_signing_alg_values_supported: ["RS256"], response_types_supported: ["id_token"], subject_types_supported: ["public", "pairwise"] });
    }
    if (req.url === "/.well-known/jwks") {
      issuer.jwksHits++;
      return json({ keys: issuer.published.map((kid) => jwks.get(kid)) });
    }
    res.writeHead(404).end();
  };
  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler);
  // no keep-alive: a test that closes the issuer must not wait for the app's idle sockets
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve));
  url = `${opts.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer.url = url;
  return issuer;
}
