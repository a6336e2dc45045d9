// Crafted zips pushed with a valid key (an attacker's review, finding 1): each is refused with
// 400 and a reason NuGet clients show, and /api/health answers while they are pushed. Only
// HTTP: whichever process serves the push. How long a push stalls the server is measured by
// bench/crafted-zips.ts, not asserted here; the 2^32 - 1 count took half an hour before.
import { expect, test } from "@playwright/test";
import { ACTIONS } from "@/lib/api-keys/scopes";
import { insertTestKey, insertTestUser } from "@/tests/api-keys";
import { countBomb, nuspecBomb, nuspecOf, overlapBomb } from "@/tests/crafted-zips";
import { e2eDb } from "./fixtures";
import { multipartNuGet58 } from "./nupkg";
import { rawRequest } from "./raw-http";

const BASE = process.env.E2E_BASE_URL!;
const INVALID = "The package is not a valid .nupkg (zip) file.";

const attacks: [string, Buffer, string][] = [
  ["a 186-byte zip whose Zip64 end record claims 10,000,000 entries", countBomb(10_000_000), INVALID],
  ["the same claiming 2^32 - 1 entries", countBomb(2 ** 32 - 1), INVALID],
  ["1,100 root nuspecs sharing one 1 MB deflate stream", overlapBomb(1100), "The package has more than one .nuspec file at its root."],
  ["65,535 root nuspecs sharing one 1 MB deflate stream", overlapBomb(65_535), "The package has more than one .nuspec file at its root."],
  ["a nuspec declared as 1,000 bytes that inflates to 200 MB", nuspecBomb(200), "The package's .nuspec file is damaged."],
  ["a nuspec of 60,000 tags <a/> (500 bytes compressed)", nuspecOf("A", "<a/>".repeat(60_000)), "The package's .nuspec file has too many XML elements."],
];

const PUSHES = 5;

test.describe("crafted zips", () => {
  for (const [name, zip, reason] of attacks) {
    test(`${name} → 400 ${reason}; /api/health answers meanwhile`, async ({ request }) => {
      const user = await insertTestUser(e2eDb());
      const key = await insertTestKey(e2eDb(), { userId: user.id, actions: [ACTIONS.push] });
      const form = multipartNuGet58(zip);
      let pushing = true;
      const health: number[] = [];
      const polling = (async () => {
        while (pushing) health.push((await request.get("/api/health")).status());
      })();
      const answers = [];
      try {
        for (let i = 0; i < PUSHES; i++) {
          answers.push(
            await rawRequest(BASE, {
              method: "PUT",
              path: "/api/v2/package/",
              mode: "chunked",
              headers: { "Content-Type": form.contentType, "X-NuGet-ApiKey": key.plaintext },
              body: form.body,
            }),
          );
        }
      } finally {
        pushing = false;
        await polling;
      }
      expect(answers.map((a) => a.statusLine)).toEqual(Array(PUSHES).fill(`HTTP/1.1 400 ${reason}`));
      expect(health.filter((status) => status !== 200)).toEqual([]);
      expect((await request.get("/api/health")).status()).toBe(200);
    });
  }
});
