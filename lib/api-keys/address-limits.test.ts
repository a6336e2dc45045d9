import { describe, expect, it } from "vitest";
import { addressAllowed, coveredBy, LIMIT_MESSAGES, MAX_INPUT_LENGTH, normalizeRange, parseAddressLimits, plainAddress, storedLimits } from "./address-limits";

describe("parseAddressLimits", () => {
  it("normalises: host bits masked, a bare address as /32 or /128, IPv6 compressed and lower-cased, duplicates dropped", () => {
    expect(parseAddressLimits(" 10.1.2.3/8\n\n198.51.100.7\r\n2001:DB8:0:0:0:0:0:1/32, 2001:db8::/32 fe80::1\n10.0.0.0/8")).toEqual({
      ok: true,
      ranges: ["10.0.0.0/8", "198.51.100.7/32", "2001:db8::/32", "fe80::1/128"],
    });
    expect(parseAddressLimits("")).toEqual({ ok: true, ranges: [] });
    expect(parseAddressLimits(" \n ")).toEqual({ ok: true, ranges: [] });
    expect(parseAddressLimits("0.0.0.0/0\n::/0")).toEqual({ ok: true, ranges: ["0.0.0.0/0", "::/0"] });
    expect(parseAddressLimits("2001:db8:abcd:12ff:ffff::1/52")).toEqual({ ok: true, ranges: ["2001:db8:abcd:1000::/52"] });
  });

  it("reads IPv4-mapped IPv6 as IPv4, in either notation", () => {
    expect(normalizeRange("::ffff:10.9.8.7/104")).toEqual({ ok: true, range: "10.0.0.0/8", family: "ipv4" });
    expect(normalizeRange("::ffff:c633:6407")).toEqual({ ok: true, range: "198.51.100.7/32", family: "ipv4" });
    // shorter than /96 it is not an IPv4 range: kept as IPv6
    expect(normalizeRange("::ffff:0:0/80")).toEqual({ ok: true, range: "::/80", family: "ipv6" });
    expect(normalizeRange("64:ff9b::1.2.3.4")).toEqual({ ok: true, range: "64:ff9b::102:304/128", family: "ipv6" });
  });

  it("refuses garbage with a message naming the entry", () => {
    expect(parseAddressLimits("10.0.0.0/8\nexample.com")).toEqual({ ok: false, error: LIMIT_MESSAGES.notAnAddress("example.com") });
    for (const bad of ["10.0.0", "256.1.1.1", "01.2.3.4", "1.2.3.4/", "/8", "::g", "1.2.3.4/8/8"]) {
      expect(parseAddressLimits(bad).ok, bad).toBe(false);
    }
    expect(parseAddressLimits("10.0.0.0/33")).toEqual({ ok: false, error: LIMIT_MESSAGES.prefix("10.0.0.0/33", 32) });
    expect(parseAddressLimits("::/129")).toEqual({ ok: false, error: LIMIT_MESSAGES.prefix("::/129", 128) });
    expect(parseAddressLimits("10.0.0.0/-1")).toEqual({ ok: false, error: LIMIT_MESSAGES.prefix("10.0.0.0/-1", 32) });
    expect(parseAddressLimits("10.0.0.0/1e1")).toEqual({ ok: false, error: LIMIT_MESSAGES.prefix("10.0.0.0/1e1", 32) });
    expect(parseAddressLimits("fe80::1%eth0")).toEqual({ ok: false, error: LIMIT_MESSAGES.zone("fe80::1%eth0") });
  });

  it("caps the count at 20 distinct ranges and the text at its length", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `10.0.${i}.0/24`);
    expect(parseAddressLimits(twenty.join("\n"))).toMatchObject({ ok: true, ranges: twenty });
    // a repeat does not count
    expect(parseAddressLimits([...twenty, twenty[0]].join("\n")).ok).toBe(true);
    expect(parseAddressLimits([...twenty, "10.1.0.0/24"].join("\n"))).toEqual({ ok: false, error: LIMIT_MESSAGES.tooMany });
    expect(parseAddressLimits("1".repeat(MAX_INPUT_LENGTH + 1))).toEqual({ ok: false, error: LIMIT_MESSAGES.tooLong });
  });
});

describe("addressAllowed", () => {
  const stored = storedLimits(["10.0.0.0/8", "2001:db8::/32", "198.51.100.7/32"]);

  it("allows anywhere without limits, and refuses an unknown address when there are limits", () => {
    expect(addressAllowed(null, "203.0.113.1")).toBe(true);
    expect(addressAllowed(null, null)).toBe(true);
    expect(addressAllowed(stored, null)).toBe(false);
    expect(addressAllowed(stored, "not an address")).toBe(false);
  });

  it("matches IPv4, IPv6 and IPv4-mapped client addresses", () => {
    expect(addressAllowed(stored, "10.255.0.1")).toBe(true);
    expect(addressAllowed(stored, "11.0.0.1")).toBe(false);
    expect(addressAllowed(stored, "198.51.100.7")).toBe(true);
    expect(addressAllowed(stored, "198.51.100.8")).toBe(false);
    expect(addressAllowed(stored, "2001:db8:ffff::1")).toBe(true);
    expect(addressAllowed(stored, "2001:db9::1")).toBe(false);
    // a dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d
    expect(addressAllowed(stored, "::ffff:10.1.2.3")).toBe(true);
    expect(addressAllowed(stored, "::ffff:127.0.0.1")).toBe(false);
    expect(addressAllowed(storedLimits(["127.0.0.0/8"]), "::ffff:127.0.0.1")).toBe(true);
    expect(addressAllowed(storedLimits(["::1/128"]), "::1")).toBe(true);
    expect(addressAllowed(storedLimits(["::1/128"]), "127.0.0.1")).toBe(false);
  });

  it("coveredBy and plainAddress", () => {
    expect(coveredBy(["10.0.0.0/8"], "10.2.3.4")).toBe(true);
    expect(coveredBy([], "10.2.3.4")).toBe(false);
    expect(plainAddress("::FFFF:127.0.0.1")).toBe("127.0.0.1");
    expect(plainAddress("2001:db8::1")).toBe("2001:db8::1");
  });
});

describe("the client address a key's limits are checked against follows TRUST_PROXY", () => {
  // a real socket from 127.0.0.1 through the server's own edge (server/edge.ts), then the app's
  // reading of it (clientIp): what the push's key check does
  async function addressSeen(trustProxy: boolean, forwardedFor?: string): Promise<string | null> {
    const http = await import("node:http");
    const { settleForwardedHeaders } = await import("@/server/edge");
    const { clientIp } = await import("@/lib/request-context");
    const server = http.createServer((req, res) => {
      settleForwardedHeaders(req, trustProxy);
      res.end(JSON.stringify(clientIp({ get: (n: string) => (req.headers[n.toLowerCase()] as string | undefined) ?? null })));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: forwardedFor ? { "X-Forwarded-For": forwardedFor } : {} });
      return (await res.json()) as string | null;
    } finally {
      server.close();
    }
  }
  const limited = storedLimits(["10.0.0.0/8"]);

  it("TRUST_PROXY off: a client's own X-Forwarded-For is ignored, the socket's address decides", async () => {
    const seen = await addressSeen(false, "10.1.2.3");
    expect(plainAddress(seen!)).toBe("127.0.0.1");
    expect(addressAllowed(limited, seen)).toBe(false);
    expect(addressAllowed(storedLimits(["127.0.0.1/32"]), seen)).toBe(true);
  });

  it("TRUST_PROXY on: the right-most X-Forwarded-For entry (the nearest proxy's) decides; none at all is refused", async () => {
    // the client claimed 127.0.0.1, the proxy appended the real 10.1.2.3
    const seen = await addressSeen(true, "127.0.0.1, 10.1.2.3");
    expect(seen).toBe("10.1.2.3");
    expect(addressAllowed(limited, seen)).toBe(true);
    expect(addressAllowed(limited, await addressSeen(true, "10.1.2.3, 192.0.2.1"))).toBe(false);
    expect(addressAllowed(limited, await addressSeen(true))).toBe(false);
  });
});
