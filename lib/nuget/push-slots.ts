// How many push bodies are read at once. Each accepted push holds its body in memory (up to
// MAX_PACKAGE_BYTES), so without a cap a burst of large pushes could exhaust the server's
// memory. A push over the cap waits for a slot: its upload is simply not read meanwhile (TCP
// holds the client back), and NuGet clients wait for the answer. Pure.
import { envFrom, type RawEnv } from "@/lib/env";

export function maxConcurrentPushes(raw?: RawEnv): number {
  return envFrom(raw).MAX_CONCURRENT_PUSHES;
}

export interface Slots {
  /** Resolves when a slot is free; call the returned function once to give it back. */
  take(): Promise<() => void>;
  readonly inUse: number;
  readonly waiting: number;
}

export function createSlots(max: number): Slots {
  let inUse = 0;
  const queue: (() => void)[] = [];
  const giveBack = () => {
    let given = false;
    return () => {
      if (given) return;
      given = true;
      // handed straight to the first waiter, so a newcomer never takes it from under them
      const next = queue.shift();
      if (next) next();
      else inUse--;
    };
  };
  return {
    async take() {
      if (inUse < max) inUse++;
      else await new Promise<void>((wake) => queue.push(wake));
      return giveBack();
    },
    get inUse() {
      return inUse;
    },
    get waiting() {
      return queue.length;
    },
  };
}
