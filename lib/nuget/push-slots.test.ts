import { describe, expect, it } from "vitest";
import { createSlots, maxConcurrentPushes } from "./push-slots";

describe("push slots", () => {
  it("runs at most `max` at once, in arrival order, and every one in the end", async () => {
    const slots = createSlots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates = Array.from({ length: 5 }, () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    });
    const tasks = gates.map(async (gate, i) => {
      const give = await slots.take();
      order.push(i);
      running++;
      most = Math.max(most, running);
      await gate.promise;
      running--;
      give();
      give(); // twice is harmless: the slot is given back once
    });
    await new Promise((r) => setTimeout(r, 5));
    expect([slots.inUse, slots.waiting]).toEqual([2, 3]);
    for (const gate of gates) {
      gate.resolve();
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(tasks);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect([slots.inUse, slots.waiting]).toEqual([0, 0]);
  });

  it("a slot given back goes to the first waiter, not to a push that arrives at that moment", async () => {
    const slots = createSlots(1);
    const order: string[] = [];
    const first = await slots.take();
    const waiter = slots.take().then((give) => (order.push("waiter"), give));
    first();
    const newcomer = slots.take().then((give) => (order.push("newcomer"), give));
    (await waiter)();
    (await newcomer)();
    expect(order).toEqual(["waiter", "newcomer"]);
    expect([slots.inUse, slots.waiting]).toEqual([0, 0]);
  });

  it("reads MAX_CONCURRENT_PUSHES: 4 when unset, and refuses anything but a positive integer", () => {
    expect(maxConcurrentPushes({ MAX_CONCURRENT_PUSHES: "8" })).toBe(8);
    for (const unset of [undefined, ""]) expect(maxConcurrentPushes({ MAX_CONCURRENT_PUSHES: unset })).toBe(4);
    for (const bad of ["0", "-2", "1.5", "many"]) expect(() => maxConcurrentPushes({ MAX_CONCURRENT_PUSHES: bad })).toThrow(/MAX_CONCURRENT_PUSHES/);
  });
});
