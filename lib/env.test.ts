import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("fills in the README's defaults when nothing is set (empty counts as unset)", () => {
    const env = parseEnv({ PORT: "", MAX_PACKAGE_BYTES: "  " });
    expect(env).toMatchObject({
      NODE_ENV: "development",
      DATABASE_URL: "file:./.data/nuget.db",
      PORT: 3000,
      HOST: "0.0.0.0",
      TRUST_PROXY: false,
      MAIL_DIR: ".data/mail",
      MAIL_FROM: `"NuGet Gallery" <noreply@localhost>`,
      PACKAGES_DIR: ".data/packages",
      MAX_PACKAGE_BYTES: 262_144_000,
      MAX_CONCURRENT_PUSHES: 4,
      PUSH_IDLE_TIMEOUT_SECONDS: 30,
      PUSH_MIN_BYTES_PER_SECOND: 10_240,
      MAX_PACKAGE_OWNERS: 15,
      MAX_PACKAGE_OWNER_REQUESTS: 3,
      LOGIN_MAX_FAILURES: 10,
      LOGIN_MAX_FAILURES_PER_IP: 100,
      LOGIN_WINDOW_MINUTES: 15,
      TEST_DATABASE_URL_PG: "postgresql://postgres@127.0.0.1:5432/postgres",
      CHROMIUM_PATH: "/usr/bin/chromium",
      CI: false,
    });
    for (const unset of ["AUTH_SECRET", "AUTH_URL", "APP_URL", "SMTP_URL", "SEED_DEMO", "API_KEY_EXPIRY_DAYS", "AUTH_GITHUB_ID", "AUTH_MICROSOFT_ENTRA_ID_ISSUER"] as const) {
      expect(env[unset]).toBeUndefined();
    }
  });

  it("types what is set", () => {
    expect(
      parseEnv({
        DATABASE_URL: "postgresql://app@db/nuget",
        PORT: "8080",
        TRUST_PROXY: "1",
        MAX_PACKAGE_BYTES: "1048576",
        API_KEY_EXPIRY_DAYS: "30, 1,8,8",
        APP_URL: "https://nuget.example",
        SMTP_URL: "smtp://user:pass@mail.example:587",
        SEED_DEMO: "0",
        CI: "true",
        NODE_ENV: "production",
      }),
    ).toMatchObject({ DATABASE_URL: "postgresql://app@db/nuget", PORT: 8080, TRUST_PROXY: true, MAX_PACKAGE_BYTES: 1_048_576, API_KEY_EXPIRY_DAYS: [1, 8, 30], APP_URL: "https://nuget.example", SEED_DEMO: "0", CI: true, NODE_ENV: "production" });
  });

  const bad: [variable: string, value: string, allowed: RegExp][] = [
    ["DATABASE_URL", "mysql://db/nuget", /file:<path>.*postgresql:/],
    ["AUTH_SECRET", "short", /at least 16 characters/],
    ["AUTH_URL", "nuget.example", /http:\/\/ or https:\/\//],
    ["PORT", "70000", /from 1 to 65535/],
    ["PORT", "http", /whole number/],
    ["TRUST_PROXY", "true", /"1"/],
    ["SMTP_URL", "mail.example:25", /smtp:\/\//],
    ["SEED_DEMO", "yes", /"0" or "1"/],
    ["APP_URL", "ftp://nuget.example", /http:\/\/ or https:\/\//],
    ["MAX_PACKAGE_BYTES", "250MB", /whole number of at least 1/],
    ["MAX_PACKAGE_BYTES", "0", /whole number of at least 1/],
    ["MAX_CONCURRENT_PUSHES", "1.5", /whole number from 1 to 1000/],
    ["PUSH_IDLE_TIMEOUT_SECONDS", "-3", /whole number from 1 to 3600/],
    ["PUSH_MIN_BYTES_PER_SECOND", "fast", /whole number of at least 1/],
    ["API_KEY_EXPIRY_DAYS", "1,eight", /comma-separated list of days/],
    ["API_KEY_EXPIRY_DAYS", "0,30", /from 1 to 3650/],
    ["MAX_PACKAGE_OWNERS", "0", /whole number from 1 to 1000/],
    ["MAX_PACKAGE_OWNER_REQUESTS", "three", /whole number from 1 to 1000/],
    ["LOGIN_MAX_FAILURES", "zero", /whole number of at least 1/],
    ["LOGIN_MAX_FAILURES_PER_IP", "0", /whole number of at least 1/],
    ["LOGIN_WINDOW_MINUTES", "15m", /whole number of at least 1/],
    ["AUTH_MICROSOFT_ENTRA_ID_ISSUER", "common", /http:\/\/ or https:\/\//],
    ["TEST_DATABASE_URL_PG", "file:./x.db", /postgresql:\/\//],
    ["NODE_ENV", "staging", /"development" or "production" or "test"/],
  ];
  it.each(bad)("refuses %s=%s, naming the variable and what it allows", (variable, value, allowed) => {
    let error: unknown;
    try {
      parseEnv({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const problems = (error as EnvError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0].variable).toBe(variable);
    expect(problems[0].allowed).toMatch(allowed);
    expect((error as Error).message).toContain(`${variable} must`);
  });

  it("lists every bad variable at once, and never echoes a value (some are secrets)", () => {
    let error: EnvError | undefined;
    try {
      parseEnv({ PORT: "x", AUTH_SECRET: "tiny-secret", AUTH_GITHUB_ID: "id" });
    } catch (e) {
      error = e as EnvError;
    }
    expect(error?.problems.map((p) => p.variable).sort()).toEqual(["AUTH_GITHUB_SECRET", "AUTH_SECRET", "PORT"]);
    expect(error?.message).toMatch(/^Invalid environment:\n/);
    expect(error?.message).not.toContain("tiny-secret");
  });
});
