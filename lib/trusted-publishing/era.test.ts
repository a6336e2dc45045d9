import { expect, it } from "vitest";
import { apiKeysRedirect } from "./era";

it("off: the API Keys page always shows", () => {
  expect(apiKeysRedirect(false, {})).toBeNull();
  expect(apiKeysRedirect(false, { forceApiKeys: "true" })).toBeNull();
});

it("on: a plain GET goes to Trusted Publishing; ?forceApiKeys=true and the page's own ?narrow= stay", () => {
  expect(apiKeysRedirect(true, {})).toBe("/account/trustedpublishing?fromApiKeys=true");
  expect(apiKeysRedirect(true, { forceApiKeys: "false" })).toBe("/account/trustedpublishing?fromApiKeys=true");
  expect(apiKeysRedirect(true, { forceApiKeys: ["true", "true"] })).toBe("/account/trustedpublishing?fromApiKeys=true");
  expect(apiKeysRedirect(true, { forceApiKeys: "true" })).toBeNull();
  expect(apiKeysRedirect(true, { narrow: "k1" })).toBeNull();
});
