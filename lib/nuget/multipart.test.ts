import { describe, expect, it } from "vitest";
import { multipartNuGet287, multipartNuGet58 } from "@/e2e/nupkg";
import { extractFirstPart, multipartBoundary } from "./multipart";

const nupkg = Buffer.from("PK\x03\x04 binary \r\n--not-a-boundary \n\r\n\x00\xff end", "latin1");

describe("multipartBoundary", () => {
  it("reads quoted and unquoted boundaries", () => {
    expect(multipartBoundary("multipart/form-data; boundary=---------------------------8df4a2ecd531488")).toBe(
      "---------------------------8df4a2ecd531488",
    );
    expect(multipartBoundary('multipart/form-data; boundary="0f2d3c4e-aaaa-bbbb-cccc-111122223333"')).toBe(
      "0f2d3c4e-aaaa-bbbb-cccc-111122223333",
    );
    expect(multipartBoundary("Multipart/Form-Data;BOUNDARY=abc; charset=utf-8")).toBe("abc");
  });
  it("refuses other types and missing or oversized boundaries", () => {
    expect(multipartBoundary(null)).toBeNull();
    expect(multipartBoundary("application/octet-stream")).toBeNull();
    expect(multipartBoundary("multipart/form-data")).toBeNull();
    expect(multipartBoundary('multipart/form-data; boundary=""')).toBeNull();
    expect(multipartBoundary(`multipart/form-data; boundary=${"b".repeat(71)}`)).toBeNull();
  });
});

describe("extractFirstPart", () => {
  it("extracts NuGet 2.8.7's body byte-exactly (bare-LF closing delimiter, nothing after)", () => {
    const boundary = "---------------------------8df4a2ecd531488";
    const body = Buffer.concat([
      Buffer.from(
        `-----------------------------8df4a2ecd531488\r\nContent-Disposition: form-data; name="package"; filename="package"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      nupkg,
      Buffer.from("\n-----------------------------8df4a2ecd531488--"),
    ]);
    expect(multipartNuGet287(nupkg, boundary).body.equals(body)).toBe(true);
    expect(Buffer.from(extractFirstPart(body, multipartBoundary(multipartNuGet287(nupkg, boundary).contentType)!)!).equals(nupkg)).toBe(true);
  });

  it("extracts NuGet 5.8's body byte-exactly (quoted boundary, unquoted names, filename*=)", () => {
    const boundary = "5d3f0e52-7c3a-4b8e-9b0a-2f6f1c9d2e11";
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name=package; filename=package.nupkg; filename*=utf-8''package.nupkg\r\n\r\n`,
      ),
      nupkg,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const built = multipartNuGet58(nupkg, boundary);
    expect(built.body.equals(body)).toBe(true);
    expect(Buffer.from(extractFirstPart(body, multipartBoundary(built.contentType)!)!).equals(nupkg)).toBe(true);
  });

  it("accepts bare-LF part headers and a preamble", () => {
    const body = Buffer.concat([Buffer.from("preamble\r\n--b\nContent-Disposition: form-data; name=package\n\n"), nupkg, Buffer.from("\n--b--\n")]);
    expect(Buffer.from(extractFirstPart(body, "b")!).equals(nupkg)).toBe(true);
  });

  it("takes only the first part", () => {
    const body = Buffer.from("--b\r\n\r\nfirst\r\n--b\r\n\r\nsecond\r\n--b--\r\n");
    expect(Buffer.from(extractFirstPart(body, "b")!).toString()).toBe("first");
  });

  it("does not mistake the boundary text inside a line for a delimiter", () => {
    const body = Buffer.from("x--b\r\n--b\r\n\r\nA--bB\r\n--b--");
    expect(Buffer.from(extractFirstPart(body, "b")!).toString()).toBe("A--bB");
  });

  it.each([
    ["no delimiter", "hello"],
    ["other boundary", "--c\r\n\r\nx\r\n--c--"],
    ["no blank line after the headers", "--b\r\nContent-Type: x\r\n--b--"],
    ["no closing delimiter (truncated)", "--b\r\n\r\nxxxxxxxx"],
    ["an empty form", "--b--\r\n"],
  ])("refuses %s", (_name, text) => {
    expect(extractFirstPart(Buffer.from(text), "b")).toBeNull();
  });
});
