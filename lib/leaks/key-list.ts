// The public keys a secret-scanning partner (GitHub, deps.dev) signs its reports with, fetched
// from the partner's key list ({public_keys: [{key_identifier, key, is_current}]}) and cached.
// An unknown key id refetches the list once, and then not again for a while: a key the partner
// rotates in is taken within a request, and a stream of made-up ids cannot hammer the list URL.
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { envFrom, type RawEnv } from "@/lib/env";
import { logError } from "@/lib/log";

export interface KeyListOptions {
  url: string;
  /** sent as a Bearer token: GitHub's unauthenticated rate limit is low */
  token?: string;
  cacheMs: number;
  /** the least time between two refetches for an unknown key id */
  refetchMs: number;
  timeoutMs?: number;
}

export type KeyLookup =
  | { ok: true; key: KeyObject }
  | { ok: false; why: "unknown" | "not-current" | "unavailable" };

/** A key list is a few kB; anything much larger is not one. */
const MAX_LIST_BYTES = 512 * 1024;

interface Entry {
  key: KeyObject;
  current: boolean;
}

function parseList(text: string): Map<string, Entry> {
  const doc = JSON.parse(text) as { public_keys?: unknown };
  if (!doc || !Array.isArray(doc.public_keys)) throw new Error("no public_keys array");
  const keys = new Map<string, Entry>();
  for (const item of doc.public_keys as unknown[]) {
    if (!item || typeof item !== "object") continue;
    const { key_identifier: id, key: pem, is_current: current } = item as Record<string, unknown>;
    if (typeof id !== "string" || typeof pem !== "string") continue;
    try {
      const key = createPublicKey(pem);
      // only ECDSA P-256 (GitHub's ECDSA-NIST-P256V1-SHA256): a list entry of any other kind is ignored
      if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") continue;
      keys.set(id, { key, current: current === true });
    } catch {
      continue;
    }
  }
  return keys;
}

export class KeyList {
  private keys: Map<string, Entry> | null = null;
  private fetchedAt = -Infinity;
  private lastMissRefetch = -Infinity;
  private loading: Promise<boolean> | null = null;
  /** how many times the list URL was asked (the tests and the README's promise) */
  fetches = 0;

  constructor(
    private readonly options: KeyListOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  async find(id: string): Promise<KeyLookup> {
    let fetched = false;
    if (!this.keys || this.clock() - this.fetchedAt >= this.options.cacheMs) {
      // a failed refresh keeps the stale list: better than refusing every report while the partner is down
      fetched = await this.load();
      if (!this.keys) return { ok: false, why: "unavailable" };
    }
    let entry = this.keys.get(id);
    if (!entry && !fetched && this.clock() - this.lastMissRefetch >= this.options.refetchMs) {
      this.lastMissRefetch = this.clock();
      await this.load();
      entry = this.keys.get(id);
    }
    if (!entry) return { ok: false, why: "unknown" };
    // crates.io's rule: a key the partner no longer marks current is refused
    if (!entry.current) return { ok: false, why: "not-current" };
    return { ok: true, key: entry.key };
  }

  /** One fetch at a time: concurrent callers share it. true when a fresh list was loaded. */
  private load(): Promise<boolean> {
    this.loading ??= this.fetchList().finally(() => (this.loading = null));
    return this.loading;
  }

  private async fetchList(): Promise<boolean> {
    this.fetches++;
    try {
      const headers: Record<string, string> = { Accept: "application/json", "User-Agent": "nuget-keys-secret-scanning" };
      if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
      const res = await fetch(this.options.url, { headers, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (Number(res.headers.get("content-length") ?? 0) > MAX_LIST_BYTES) throw new Error("too large");
      const text = await res.text();
      if (text.length > MAX_LIST_BYTES) throw new Error("too large");
      this.keys = parseList(text);
      this.fetchedAt = this.clock();
      return true;
    } catch (e) {
      logError(`[leaks] the key list at ${this.options.url} could not be read`, e);
      return false;
    }
  }
}

/** ECDSA P-256 with SHA-256 over the exact bytes received; the signature is base64 of its DER form. */
export function signatureMatches(key: KeyObject, body: Uint8Array, signatureBase64: string): boolean {
  const signature = Buffer.from(signatureBase64.trim(), "base64");
  if (signature.length === 0 || signature.length > 128) return false;
  try {
    return verify("sha256", body, { key, dsaEncoding: "der" }, signature);
  } catch {
    return false;
  }
}

const lists = new Map<string, KeyList>();

/** The process's key list for a partner: one cache per URL. */
export function keyListFor(partner: "github" | "depsdev", raw?: RawEnv): KeyList {
  const env = envFrom(raw);
  const url = partner === "github" ? env.SECRET_SCANNING_GITHUB_KEYS_URL : env.SECRET_SCANNING_DEPSDEV_KEYS_URL;
  let list = lists.get(url);
  if (!list) {
    list = new KeyList({
      url,
      token: partner === "github" ? env.SECRET_SCANNING_GITHUB_TOKEN : undefined,
      cacheMs: env.SECRET_SCANNING_KEYS_CACHE_MINUTES * 60_000,
      refetchMs: env.SECRET_SCANNING_REFETCH_SECONDS * 1000,
    });
    lists.set(url, list);
  }
  return list;
}
