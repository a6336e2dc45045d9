// First start (run by scripts/start.mjs): on the embedded SQLite default, a confirmed "demo"
// account with a random password printed once, and sample package registrations it owns.
// Never on PostgreSQL unless SEED_DEMO=1; never with SEED_DEMO=0. Idempotent.
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createDb, databaseUrl, isPostgresUrl, type Db } from "../lib/create-db";
import { hashPassword } from "../lib/accounts/passwords";

export const DEMO_USERNAME = "demo";
export const DEMO_PACKAGES = [
  "Contoso.Service.API",
  "Contoso.Service.Extensions",
  "Contoso.Service.Framework",
  "Contoso.Service.Integration",
  "Contoso.UI.Extensions",
  "Contoso.UI.Framework",
  "Fabrikam.Service.API",
  "Fabrikam.Service.Extensions",
  "Fabrikam.UI.Extensions",
  "Fabrikam.UI.Framework",
];

export function shouldSeed(url: string, seedDemo: string | undefined): boolean {
  if (seedDemo === "0") return false;
  if (seedDemo === "1") return true;
  return !isPostgresUrl(url);
}

export type SeedResult = { created: true; password: string } | { created: false };

export async function seedDemo(db: Db): Promise<SeedResult> {
  if (await db.user.findUnique({ where: { usernameKey: DEMO_USERNAME }, select: { id: true } })) return { created: false };
  // letters and digits only, so it can be copied from a console with a double click
  const password = randomBytes(18).toString("base64url").replace(/[-_]/g, "x");
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { username: DEMO_USERNAME, usernameKey: DEMO_USERNAME, email: "demo@example.com", passwordHash, emailConfirmedAt: new Date() },
      select: { id: true },
    });
    for (const packageId of DEMO_PACKAGES) {
      // an id someone else registered meanwhile stays theirs
      const reg = await tx.packageRegistration.upsert({
        where: { idKey: packageId.toLowerCase() },
        create: { packageId, idKey: packageId.toLowerCase() },
        update: {},
        select: { id: true, owners: { select: { userId: true } } },
      });
      if (reg.owners.length === 0) await tx.packageOwner.create({ data: { registrationId: reg.id, userId: user.id } });
    }
  });
  return { created: true, password };
}

async function main() {
  try {
    process.loadEnvFile();
  } catch {
    // no .env: the defaults apply
  }
  const url = databaseUrl();
  if (!shouldSeed(url, process.env.SEED_DEMO)) return;
  const db = createDb(url);
  try {
    const result = await seedDemo(db);
    if (result.created) {
      console.log(
        `\n  Demo account created (shown only this once):\n    username: ${DEMO_USERNAME}\n    password: ${result.password}\n  It owns ${DEMO_PACKAGES.length} sample packages (Contoso.*, Fabrikam.*).\n`,
      );
    } else {
      console.log(`> the demo user "${DEMO_USERNAME}" exists (its password was printed on first start)`);
    }
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
