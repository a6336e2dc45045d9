import { describe, expect, it, vi } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import type { Db } from "@/lib/create-db";
import { startJobs } from "./index";

describe("background jobs' schedule", () => {
  it("JOBS_INTERVAL_MINUTES: 60 by default, 0 turns the server's runs off, anything else is refused by name", () => {
    expect(parseEnv({}).JOBS_INTERVAL_MINUTES).toBe(60);
    expect(parseEnv({ JOBS_INTERVAL_MINUTES: "0" }).JOBS_INTERVAL_MINUTES).toBe(0);
    for (const bad of ["-1", "1.5", "soon", "99999"]) {
      expect(() => parseEnv({ JOBS_INTERVAL_MINUTES: bad })).toThrow(EnvError);
      expect(() => parseEnv({ JOBS_INTERVAL_MINUTES: bad })).toThrow(/JOBS_INTERVAL_MINUTES/);
    }
  });

  it("with 0 minutes no timer is set, and nothing touches the database", () => {
    vi.useFakeTimers();
    try {
      const untouchable = new Proxy({}, { get: () => { throw new Error("the database was used"); } }) as Db;
      const stop = startJobs(untouchable, { intervalMinutes: 0, origin: "http://gallery.test" });
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(7 * 24 * 60 * 60_000);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
