// Password hashing: argon2id (OWASP's first choice), from a napi package that installs offline.
import { hash, verify } from "@node-rs/argon2";

// @node-rs/argon2's default algorithm is Argon2id; OWASP's minimum profile m=19 MiB, t=2.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}
