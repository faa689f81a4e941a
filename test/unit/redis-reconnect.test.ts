import { describe, expect, it } from "vitest";
import { reconnectDelay } from "@/lib/redis";

describe("reconnectDelay", () => {
  it("doubles from 50 ms and stops growing at 1 s", () => {
    expect([1, 2, 3, 4, 5, 6].map((t) => reconnectDelay(t, 0))).toEqual([50, 100, 200, 400, 800, 1000]);
    expect(reconnectDelay(60, 0)).toBe(1000);
    expect(reconnectDelay(10_000, 0)).toBe(1000);
  });

  it("adds under 100 ms of jitter", () => {
    expect(reconnectDelay(1, 0.999)).toBe(149);
    expect(reconnectDelay(30, 0.5)).toBe(1050);
  });
});
