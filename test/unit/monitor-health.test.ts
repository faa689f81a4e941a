import { describe, expect, it } from "vitest";
import { classifyHealth } from "@/lib/metrics/health-status";

// The monitor probes /health, then /metrics. A server killed between the two must read as down at
// once, not as "degraded" for one poll and "down" the next (two status changes, two webhooks).
describe("classifyHealth for the monitor's two requests", () => {
  it("is down when /metrics is refused right after /health answered", () => {
    const verdict = classifyHealth({ healthOk: true, metrics: { error: { kind: "refused" } } });
    expect(verdict.status).toBe("down");
    expect(verdict.reason).toMatch(/^not listening: \/metrics refused the connection/);
  });

  it("stays degraded when /metrics answers but fails otherwise", () => {
    expect(classifyHealth({ healthOk: true, metrics: { error: { kind: "http", status: 500 } } }).status).toBe(
      "degraded",
    );
    expect(
      classifyHealth({ healthOk: true, metrics: { error: { kind: "timeout", seconds: 5 } } }).status,
    ).toBe("degraded");
  });
});
