// Every environment variable the app reads, typed and checked in one place (the README's
// Configuration table). A bad value stops the start with a message naming the variable and what
// it allows: a typo must never quietly become a default. Empty counts as unset.
import { z } from "zod";

export type RawEnv = Record<string, string | undefined>;

const wholeNumber = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const allowed = `must be ${what}: a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}`;
  return z
    .string()
    .regex(/^\d+$/, allowed)
    .transform(Number)
    .refine((n) => n >= min && n <= max, allowed);
};

const httpUrl = (what: string) =>
  z.string().refine((v) => {
    try {
      return ["http:", "https:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be ${what}: an absolute http:// or https:// URL`);

const flag = <T extends string>(values: readonly [T, ...T[]], what: string) =>
  z.enum(values, { error: `must be ${values.map((v) => `"${v}"`).join(" or ")} (${what}), or unset` });

/** A provider is on with both its id and its secret; one without the other is a mistake. */
function pairedSecrets(id: string, secret: string) {
  return (env: Partial<Record<string, unknown>>, ctx: z.RefinementCtx) => {
    if (Boolean(env[id]) !== Boolean(env[secret])) {
      ctx.addIssue({ code: "custom", path: [env[id] ? secret : id], message: `must be set together with ${env[id] ? id : secret}, or both unset` });
    }
  };
}

const schema = z
  .object({
    NODE_ENV: flag(["development", "production", "test"], "set by Next.js and the test runner").default("development"),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, "must be file:<path> (SQLite) or postgresql://… (PostgreSQL)")
      .default("file:./.data/nuget.db"),
    AUTH_SECRET: z.string().min(16, "must be at least 16 characters (e.g. openssl rand -base64 32), or unset").optional(),
    AUTH_URL: httpUrl("the public URL").optional(),
    PORT: wholeNumber("a TCP port", 1, 65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    TRUST_PROXY: flag(["1"], "a reverse proxy sets X-Forwarded-For")
      .optional()
      .transform((v) => v === "1"),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/\S+$/, "must be an smtp:// or smtps:// URL, or unset")
      .optional(),
    MAIL_DIR: z.string().default(".data/mail"),
    MAIL_FROM: z.string().default(`"NuGet Gallery" <noreply@localhost>`),
    SEED_DEMO: flag(["0", "1"], "never or always seed the demo account").optional(),
    APP_URL: httpUrl("the public origin").optional(),
    PACKAGES_DIR: z.string().default(".data/packages"),
    MAX_PACKAGE_BYTES: wholeNumber("the largest package in bytes", 1).default(250 * 1024 * 1024),
    MAX_CONCURRENT_PUSHES: wholeNumber("how many push bodies are read at once", 1, 1000).default(4),
    PUSH_IDLE_TIMEOUT_SECONDS: wholeNumber("seconds a push's upload may stall", 1, 3600).default(30),
    PUSH_MIN_BYTES_PER_SECOND: wholeNumber("the slowest upload rate accepted, in bytes per second", 1).default(10240),
    API_KEY_EXPIRY_DAYS: z
      .string()
      .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, "must be a comma-separated list of days, e.g. 1,8,30")
      .transform((v) => [...new Set(v.split(",").map(Number))].sort((a, b) => a - b))
      .refine((days) => days.every((d) => d >= 1 && d <= 3650), "must list days from 1 to 3650, e.g. 1,8,30")
      .optional(),
    /** the API Keys page's security overview (issue 14); "off" hides it (and skips its queries) */
    API_KEY_OVERVIEW: z.enum(["on", "off"]).default("on"),
    ORG_INVITATION_EXPIRY_DAYS: wholeNumber("days an organization invitation can be accepted", 1, 3650).default(30),
    JOBS_INTERVAL_MINUTES: wholeNumber("minutes between the server's background job runs (0 = never)", 0, 7 * 24 * 60).default(60),
    // site administrators (nuget.org's Admins role): they reserve ID prefixes at /admin/ReservedNamespaces
    SITE_ADMINS: z
      .string()
      .regex(/^\s*[\w.-]+\s*(,\s*[\w.-]+\s*)*$/, "must be a comma-separated list of usernames, e.g. alice,bob")
      .transform((v) => [...new Set(v.split(",").map((name) => name.trim().toLowerCase()))])
      .optional(),
    // nuget.org's Gallery.MaxOwnerPerPackageRegistration and …MaxOwnerRequestsPerPackageRegistration (Web.config defaults)
    MAX_PACKAGE_OWNERS: wholeNumber("the most owners a package may have", 1, 1000).default(15),
    MAX_PACKAGE_OWNER_REQUESTS: wholeNumber("the most pending ownership requests a package may have", 1, 1000).default(3),
    LOGIN_MAX_FAILURES: wholeNumber("failed sign-ins per account", 1).default(10),
    LOGIN_MAX_FAILURES_PER_IP: wholeNumber("failed sign-ins per address", 1).default(100),
    LOGIN_WINDOW_MINUTES: wholeNumber("the throttling window in minutes", 1).default(15),
    // leaked keys (lib/leaks): GitHub's and deps.dev's secret-scanning key lists, the public report, the push scan
    SECRET_SCANNING_GITHUB_KEYS_URL: httpUrl("GitHub's secret-scanning key list").default("https://api.github.com/meta/public_keys/secret_scanning"),
    SECRET_SCANNING_GITHUB_TOKEN: z.string().optional(),
    SECRET_SCANNING_DEPSDEV_KEYS_URL: httpUrl("deps.dev's secret-scanning key list").default("https://storage.googleapis.com/depsdev-gcp-public-keys/secret_scanning"),
    SECRET_SCANNING_KEYS_CACHE_MINUTES: wholeNumber("how long a key list is kept, in minutes", 1, 1440).default(60),
    SECRET_SCANNING_REFETCH_SECONDS: wholeNumber("the least time between refetches for an unknown key id, in seconds", 1, 86400).default(60),
    LEAK_REPORT_MAX_PER_IP: wholeNumber("leak reports per address within the window", 1).default(15),
    LEAK_REPORT_WINDOW_MINUTES: wholeNumber("the leak report window in minutes", 1).default(15),
    LEAK_SCAN_PUSHES: flag(["0", "1"], "scan pushed packages for API keys; on unless 0")
      .optional()
      .transform((v) => v !== "0"),
    // Trusted Publishing (lib/trusted-publishing, spec trusted-publishing-and-leaks.md Part A/B)
    TP_ENABLED: flag(["0", "1"], "the token exchange POST /api/v2/token; on unless 0")
      .optional()
      .transform((v) => v !== "0"),
    TP_GITHUB_ISSUER: httpUrl("GitHub Actions' OIDC issuer").default("https://token.actions.githubusercontent.com"),
    /** derived from the issuer (+ /.well-known/openid-configuration) when unset */
    TP_GITHUB_DISCOVERY_URL: httpUrl("the issuer's OpenID discovery document").optional(),
    /** tests only: accept a plain-http issuer; refused when NODE_ENV=production */
    TP_ALLOW_INSECURE_ISSUER: flag(["1"], "tests only: accept a plain-http OIDC issuer")
      .optional()
      .transform((v) => v === "1"),
    /** the exact aud a token must carry; NuGet/login asks for https://www.nuget.org unless told otherwise */
    TP_AUDIENCE: z.string().min(1).optional(),
    TP_KEY_LIFETIME_MINUTES: wholeNumber("minutes a short-lived key lives (a multiple of 5)", 5, 60)
      .refine((n) => n % 5 === 0, "must be minutes a short-lived key lives: a multiple of 5 from 5 to 60")
      .default(60),
    TP_JWKS_CACHE_TTL_SECONDS: wholeNumber("seconds the issuer's keys are cached", 0, 7 * 86400).default(43200),
    TP_JWKS_MIN_REFRESH_SECONDS: wholeNumber("the least seconds between key refetches for an unknown kid", 0, 86400).default(300),
    TP_CLOCK_SKEW_SECONDS: wholeNumber("seconds of clock skew allowed on exp and nbf", 0, 600).default(300),
    TP_BANNED_EVENTS: z.string().default("pull_request_target;workflow_run"),
    /** the GitHub REST API the page asks for repository ids; "off" leaves new policies temporary */
    GITHUB_API_BASE: z.union([z.literal("off"), httpUrl("GitHub's REST API")]).default("https://api.github.com"),
    /** nuget.org's May 2026 behaviour: a plain GET of /account/apikeys goes to Trusted Publishing first */
    API_KEYS_REDIRECT_TO_TRUSTED_PUBLISHING: flag(["0", "1"], "send /account/apikeys to Trusted Publishing first")
      .optional()
      .transform((v) => v === "1"),
    // key activity (issue 14): every use of a key recorded, kept this many days
    KEY_ACTIVITY: z.enum(["on", "off"]).default("on"),
    KEY_ACTIVITY_RETENTION_DAYS: wholeNumber("days a key's activity is kept", 1, 3650).default(90),
    // Upload Package (issue 15): a pending upload is discarded after this many minutes
    UPLOAD_PENDING_MINUTES: wholeNumber("minutes an upload waits for Submit", 1, 24 * 60).default(60),
    AUTH_GITHUB_ID: z.string().optional(),
    AUTH_GITHUB_SECRET: z.string().optional(),
    AUTH_MICROSOFT_ENTRA_ID_ID: z.string().optional(),
    AUTH_MICROSOFT_ENTRA_ID_SECRET: z.string().optional(),
    AUTH_MICROSOFT_ENTRA_ID_ISSUER: httpUrl("the Entra ID issuer").optional(),
    TEST_DATABASE_URL_PG: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
      .default("postgresql://postgres@127.0.0.1:5432/postgres"),
    CHROMIUM_PATH: z.string().default("/usr/bin/chromium"),
    CI: z
      .string()
      .optional()
      .transform((v) => v === "true"),
  })
  .superRefine(pairedSecrets("AUTH_GITHUB_ID", "AUTH_GITHUB_SECRET"))
  .superRefine(pairedSecrets("AUTH_MICROSOFT_ENTRA_ID_ID", "AUTH_MICROSOFT_ENTRA_ID_SECRET"))
  .superRefine((env, ctx) => {
    if (env.TP_ALLOW_INSECURE_ISSUER && env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["TP_ALLOW_INSECURE_ISSUER"], message: "must be unset when NODE_ENV=production (a plain-http issuer is for tests only)" });
    }
  });

export type Env = z.infer<typeof schema>;

/** Thrown for bad values; its message lists each variable and what it allows (never the value: some are secrets). */
export class EnvError extends Error {
  constructor(public readonly problems: { variable: string; allowed: string }[]) {
    super(`Invalid environment:\n${problems.map((p) => `  ${p.variable} ${p.allowed}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Reads `raw` (process.env by default, uncached): every variable typed, defaults filled in. */
export function parseEnv(raw: RawEnv = process.env): Env {
  const set = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const result = schema.safeParse(set);
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((i) => ({ variable: String(i.path[0] ?? "environment"), allowed: i.message })));
}

let cached: Env | undefined;

/** process.env, read and checked once per process; throws EnvError on the first call that meets a bad value. */
export function env(): Env {
  return (cached ??= parseEnv(process.env));
}

/** `raw` when a test passes its own variables, else the process's (the readers below take either). */
export function envFrom(raw?: RawEnv): Env {
  return raw ? parseEnv(raw) : env();
}

/** For start-up: checks every variable at once, before anything is served. Throws EnvError. */
export function checkEnv(): Env {
  cached = undefined;
  return env();
}
