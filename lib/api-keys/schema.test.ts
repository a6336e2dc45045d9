import { describe, expect, it } from "vitest";
import { createKeySchema, readCreateForm } from "./schema";

function form(entries: [string, string][]) {
  const f = new FormData();
  for (const [k, v] of entries) f.append(k, v);
  return f;
}

describe("create form schema", () => {
  it("reads the page's request and answers with nuget.org's server messages", () => {
    const ok = createKeySchema.safeParse(
      readCreateForm(form([["name", " ci "], ["expiresInDays", "90"], ["owner", "alice"], ["actions", "package:push"], ["subjects", "A*"]])),
    );
    expect(ok.success && ok.data).toEqual({ name: "ci", expiresInDays: 90, owner: "alice", actions: ["package:push"], subjects: ["A*"] });
    const bad = createKeySchema.safeParse(readCreateForm(form([["name", "  "], ["expiresInDays", "7"], ["subjects", "a b"]])));
    expect(bad.success).toBe(false);
    const messages = Object.fromEntries(bad.error!.issues.map((i) => [i.path[0], i.message]));
    expect(messages).toEqual({
      name: "Can't generate an API key without a description.",
      expiresInDays: "API key expiration must be 1, 90, 180, 270, or 365 days.",
      owner: "You must specify a package owner to generate an API key.",
      actions: "At least one scope must be selected.",
      subjects: "Invalid glob pattern. See the example glob patterns below for further details.",
    });
  });

  it("missing expiry means the default", () => {
    const r = createKeySchema.safeParse(readCreateForm(form([["name", "n"], ["owner", "o"], ["actions", "package:unlist"], ["subjects", "*"]])));
    expect(r.success && r.data.expiresInDays).toBeNull();
  });
});
