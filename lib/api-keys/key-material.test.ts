import { describe, expect, it } from "vitest";
import { generateKey, hashSecret, hexHashesEqual, parseKey, secretMatches } from "./key-material";

describe("key material", () => {
  it("makes keys nuget.org-aware scanners recognise", () => {
    for (let i = 0; i < 200; i++) expect(generateKey().plaintext).toMatch(/^oy2[a-z2-7]{43}$/);
  });

  it("parses its own keys, in any letter case, and matches the stored hash", () => {
    const key = generateKey();
    for (const variant of [key.plaintext, key.plaintext.toUpperCase(), ` ${key.plaintext}\n`]) {
      const parsed = parseKey(variant);
      expect(parsed?.lookupId).toBe(key.lookupId);
      expect(secretMatches(parsed!, key.secretHash)).toBe(true);
    }
  });

  it("refuses every single-character typo by checksum, before any lookup", () => {
    const { plaintext } = generateKey();
    const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    let refused = 0;
    let tried = 0;
    for (let i = 3; i < plaintext.length; i++) {
      for (const c of alphabet) {
        if (c === plaintext[i]) continue;
        tried++;
        if (parseKey(plaintext.slice(0, i) + c + plaintext.slice(i + 1)) === null) refused++;
      }
    }
    // a 30-bit checksum lets through about one in a billion; none of these ~1,300 may pass
    expect(refused).toBe(tried);
  });

  it("refuses wrong shapes", () => {
    for (const bad of ["", "oy2", "oy2" + "a".repeat(42), "ab2" + "a".repeat(43), "oy2" + "1".repeat(43), crypto.randomUUID()]) {
      expect(parseKey(bad)).toBeNull();
    }
  });

  it("stores no part of the secret and rejects another key's secret", () => {
    const a = generateKey();
    const b = generateKey();
    const secretOfA = parseKey(a.plaintext)!.secret;
    expect(a.secretHash).not.toContain(secretOfA);
    expect(a.secretHash).toBe(hashSecret(a.lookupId, secretOfA));
    expect(secretMatches({ lookupId: a.lookupId, secret: parseKey(b.plaintext)!.secret }, a.secretHash)).toBe(false);
  });

  it("compares hashes by every character: equal, first or last character different, other length", () => {
    const h = hashSecret("lookup", "secret");
    expect(hexHashesEqual(h, `${h}`)).toBe(true);
    expect(hexHashesEqual(`${h[0] === "a" ? "b" : "a"}${h.slice(1)}`, h)).toBe(false);
    expect(hexHashesEqual(`${h.slice(0, -1)}${h.at(-1) === "a" ? "b" : "a"}`, h)).toBe(false);
    expect(hexHashesEqual(h.slice(0, -2), h)).toBe(false);
    expect(hexHashesEqual("", h)).toBe(false);
  });
});
