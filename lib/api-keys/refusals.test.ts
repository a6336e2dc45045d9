import { describe, expect, it } from "vitest";
import { explainFailure } from "./refusals";

describe("explainFailure", () => {
  it("explains failures without naming other accounts", () => {
    expect(explainFailure("not-owner", { packageId: "X", ownerUsername: "alice" })).toBe(
      "The owner of this API key ('alice') does not own package 'X'.",
    );
    expect(explainFailure("new-id-needs-push", { packageId: "X", keyName: "ci" })).toContain("Push new packages and package versions");
    expect(explainFailure("subject", { packageId: "X", keyName: "ci" })).toContain("not scoped to package 'X'");
    expect(explainFailure("expired", { keyName: "ci" })).toContain("'ci' has expired");
  });

});
