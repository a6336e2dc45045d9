import { describe, expect, it } from "vitest";
import { createKeySchema, editKeySchema, readCreateForm, readEditForm } from "./schema";
import { LIMIT_MESSAGES } from "./address-limits";

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
    expect(ok.success && ok.data).toEqual({ name: "ci", expiresInDays: 90, owner: "alice", actions: ["package:push"], subjects: ["A*"], allowedCidrs: [] });
    const bad = createKeySchema.safeParse(readCreateForm(form([["name", "  "], ["expiresInDays", "7"], ["subjects", "a b"], ["allowedCidrs", "10.0.0.0/8\nnope"]])));
    expect(bad.success).toBe(false);
    const messages = Object.fromEntries(bad.error!.issues.map((i) => [i.path[0], i.message]));
    expect(messages).toEqual({
      name: "Can't generate an API key without a description.",
      expiresInDays: "API key expiration must be 1, 90, 180, 270, or 365 days.",
      owner: "You must specify a package owner to generate an API key.",
      actions: "At least one scope must be selected.",
      subjects: "Invalid glob pattern. See the example glob patterns below for further details.",
      allowedCidrs: LIMIT_MESSAGES.notAnAddress("nope"),
    });
  });

  it("missing expiry means the default", () => {
    const r = createKeySchema.safeParse(readCreateForm(form([["name", "n"], ["owner", "o"], ["actions", "package:unlist"], ["subjects", "*"]])));
    expect(r.success && r.data.expiresInDays).toBeNull();
  });

  it("address limits: normalised on create and edit; an edit without the field leaves them alone", () => {
    const r = createKeySchema.safeParse(
      readCreateForm(form([["name", "n"], ["owner", "o"], ["actions", "package:push"], ["subjects", "*"], ["allowedCidrs", "10.1.2.3/8\n::ffff:192.0.2.1"]])),
    );
    expect(r.success && r.data.allowedCidrs).toEqual(["10.0.0.0/8", "192.0.2.1/32"]);
    expect(editKeySchema.parse(readEditForm(form([["subjects", "*"]])))).toEqual({ subjects: ["*"] });
    expect(editKeySchema.parse(readEditForm(form([["subjects", "*"], ["allowedCidrs", ""]])))).toEqual({ subjects: ["*"], allowedCidrs: [] });
    const many = Array.from({ length: 21 }, (_, i) => `10.${i}.0.0/16`).join("\n");
    const tooMany = editKeySchema.safeParse(readEditForm(form([["subjects", "*"], ["allowedCidrs", many]])));
    expect(tooMany.success ? null : tooMany.error.issues[0]).toMatchObject({ path: ["allowedCidrs"], message: LIMIT_MESSAGES.tooMany });
  });
});
