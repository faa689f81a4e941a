import { describe, expect, it } from "vitest";
import { canTransition } from "@/lib/operations/state";

describe("operation state machine", () => {
  it("allows only the forward moves", () => {
    expect(canTransition("queued", "running")).toBe(true);
    expect(canTransition("queued", "failed")).toBe(true);
    expect(canTransition("running", "succeeded")).toBe(true);
    expect(canTransition("running", "failed")).toBe(true);
  });

  it("never leaves a final state or skips running to succeed", () => {
    expect(canTransition("succeeded", "running")).toBe(false);
    expect(canTransition("failed", "running")).toBe(false);
    expect(canTransition("cancelled", "running")).toBe(false);
    expect(canTransition("failed", "queued")).toBe(true);
    expect(canTransition("queued", "succeeded")).toBe(false);
    expect(canTransition("running", "queued")).toBe(false);
  });
});
