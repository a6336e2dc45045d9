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
