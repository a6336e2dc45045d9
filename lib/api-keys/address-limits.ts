// A key's address limits (issue 14 item 4, beyond nuget.org): the IPv4/IPv6 CIDR ranges it may be
// used from, stored one per line in ApiKey.allowedCidrs (null = anywhere). Parsing gives clear
// messages and a normal form; matching uses Node's net.BlockList. Pure.
import { BlockList, isIPv4, isIPv6 } from "node:net";

export const MAX_RANGES = 20;
/** The whole field, before any parsing: 20 full IPv6 ranges with spaces fit many times over. */
export const MAX_INPUT_LENGTH = 4000;

export const LIMIT_MESSAGES = {
  tooMany: `At most ${MAX_RANGES} address ranges are allowed.`,
  tooLong: `The address ranges are too long (at most ${MAX_INPUT_LENGTH} characters).`,
  notAnAddress: (entry: string) =>
    `'${entry}' is not an IPv4 or IPv6 address or CIDR range. Write one per line, e.g. 203.0.113.0/24, 198.51.100.7 or 2001:db8::/32.`,
  prefix: (entry: string, max: number) => `'${entry}': the prefix length must be a whole number from 0 to ${max}.`,
  zone: (entry: string) => `'${entry}': an IPv6 zone (%…) cannot be used in a range.`,
} as const;

export type ParsedLimits = { ok: true; ranges: string[] } | { ok: false; error: string };

type Family = "ipv4" | "ipv6";

function ipv4Bytes(text: string): number[] {
  return text.split(".").map(Number);
}

/** An IPv6 address (net.isIPv6 already said it is one) as 16 bytes; an IPv4 tail is allowed. */
function ipv6Bytes(text: string): number[] {
  // a dotted IPv4 tail (::ffff:1.2.3.4) is the last two groups
  const hex = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [left, right] = hex.includes("::") ? hex.split("::") : [hex, null];
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const l = parse(left);
  const r = right === null ? [] : parse(right);
  const groups = right === null ? l : [...l, ...Array<number>(8 - l.length - r.length).fill(0), ...r];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function masked(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return bits === 0 ? 0 : b & ((0xff << (8 - bits)) & 0xff);
  });
}

function formatIpv6(bytes: number[]): string {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // the WHATWG URL parser writes RFC 5952's compressed form
  return new URL(`http://[${groups.join(":")}]`).hostname.slice(1, -1);
}

const isMappedIpv4 = (bytes: number[]) => bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;

/** One entry in its normal form (network address / prefix), IPv4-mapped IPv6 as IPv4; or the error. */
export function normalizeRange(entry: string): { ok: true; range: string; family: Family } | { ok: false; error: string } {
  const slash = entry.indexOf("/");
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const prefixText = slash === -1 ? null : entry.slice(slash + 1);
  if (address.includes("%")) return { ok: false, error: LIMIT_MESSAGES.zone(entry) };
  const family: Family | null = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : null;
  if (!family) return { ok: false, error: LIMIT_MESSAGES.notAnAddress(entry) };
  const max = family === "ipv4" ? 32 : 128;
  if (prefixText !== null && !/^\d{1,3}$/.test(prefixText)) return { ok: false, error: LIMIT_MESSAGES.prefix(entry, max) };
  const prefix = prefixText === null ? max : Number(prefixText);
  if (prefix > max) return { ok: false, error: LIMIT_MESSAGES.prefix(entry, max) };
  if (family === "ipv4") return { ok: true, range: `${masked(ipv4Bytes(address), prefix).join(".")}/${prefix}`, family };
  const bytes = masked(ipv6Bytes(address), prefix);
  // ::ffff:10.0.0.0/104 is 10.0.0.0/8: stored, shown and matched as IPv4
  if (prefix >= 96 && isMappedIpv4(bytes)) return { ok: true, range: `${bytes.slice(12).join(".")}/${prefix - 96}`, family: "ipv4" };
  return { ok: true, range: `${formatIpv6(bytes)}/${prefix}`, family };
}

/**
 * The field as typed: entries one per line (commas and spaces separate too), blank lines
 * ignored, duplicates dropped. Empty = no limit (ranges []).
 */
export function parseAddressLimits(text: string): ParsedLimits {
  if (text.length > MAX_INPUT_LENGTH) return { ok: false, error: LIMIT_MESSAGES.tooLong };
  const entries = text.split(/[\s,]+/).filter(Boolean);
  const ranges: string[] = [];
  for (const entry of entries) {
    const r = normalizeRange(entry);
    if (!r.ok) return { ok: false, error: r.error };
    if (!ranges.includes(r.range)) ranges.push(r.range);
    if (ranges.length > MAX_RANGES) return { ok: false, error: LIMIT_MESSAGES.tooMany };
  }
  return { ok: true, ranges };
}

/** The stored column: one range per line, null for none. */
export function storedLimits(ranges: readonly string[]): string | null {
  return ranges.length ? ranges.join("\n") : null;
}

export function rangesOf(stored: string | null | undefined): string[] {
  return stored ? stored.split("\n").filter(Boolean) : [];
}

/** A client address as people read it: an IPv4-mapped IPv6 one (a dual-stack socket's) as IPv4. */
export function plainAddress(ip: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return m ? m[1] : ip;
}

function buildList(stored: string): BlockList {
  const list = new BlockList();
  for (const range of rangesOf(stored)) {
    const r = normalizeRange(range);
    // the column is written only through parseAddressLimits; anything else matches nothing
    if (!r.ok) continue;
    const [network, prefix] = r.range.split("/");
    list.addSubnet(network, Number(prefix), r.family);
  }
  return list;
}

// A key's list is built once and reused for its later uses; bounded, oldest dropped first.
const LIST_CACHE_MAX = 1000;
const lists = new Map<string, BlockList>();

function listFor(stored: string): BlockList {
  let list = lists.get(stored);
  if (!list) {
    list = buildList(stored);
    if (lists.size >= LIST_CACHE_MAX) lists.delete(lists.keys().next().value!);
    lists.set(stored, list);
  }
  return list;
}

/**
 * Whether a key with these stored limits may be used from `ip`. No limits: anywhere. Limits and
 * no readable client address: refused (fail closed).
 */
export function addressAllowed(stored: string | null | undefined, ip: string | null): boolean {
  if (!stored) return true;
  if (!ip) return false;
  const address = plainAddress(ip);
  const family = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : null;
  if (!family) return false;
  return listFor(stored).check(address, family);
}

/** Whether `ip` is already inside one of `ranges` (for the suggestions). */
export function coveredBy(ranges: readonly string[], ip: string): boolean {
  return ranges.length > 0 && addressAllowed(ranges.join("\n"), ip);
}
