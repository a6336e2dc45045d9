import { afterEach, describe, expect, it, vi } from "vitest";
import { logError, logInfo, oneLine } from "./log";

afterEach(() => vi.restoreAllMocks());

describe("log lines", () => {
  it("escapes control characters so user text cannot split or forge a line", () => {
    expect(oneLine("key\r\n[mail] to admin@x: forged")).toBe("key\\x0d\\x0a[mail] to admin@x: forged");
    expect(oneLine("a\u2028b\x00c\x7f")).toBe("a\\u2028b\\x00c\\x7f");
    expect(oneLine("plain: ünïcode, tabs\tno")).toBe("plain: ünïcode, tabs\\x09no");
  });

  it("logInfo keeps its own line breaks between lines but none inside one", () => {
    const out = vi.spyOn(console, "log").mockImplementation(() => {});
    logInfo("[mail] to a@b: API key 'x\ny' created", "[mail]   saved as f.eml");
    expect(out.mock.calls[0][0].split("\n")).toEqual(["[mail] to a@b: API key 'x\\x0ay' created", "[mail]   saved as f.eml"]);
  });

  it("logError writes the message on one line, then only the stack's frames", () => {
    const out = vi.spyOn(console, "error").mockImplementation(() => {});
    logError("push failed", new Error("bad name 'a\r\nb'"));
    const lines = (out.mock.calls[0][0] as string).split("\n");
    expect(lines[0]).toBe("push failed: Error: bad name 'a\\x0d\\x0ab'");
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.startsWith("    at "))).toBe(true);
  });
});
