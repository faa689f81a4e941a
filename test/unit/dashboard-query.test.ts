import { describe, expect, it } from "vitest";
import { perDaySeries, successRate } from "@/lib/dashboard/outcomes";
import { daysOf, MAX_RANGE_DAYS, parseDashboardParams } from "@/lib/dashboard/query";
import { AppError } from "@/lib/errors";

const params = (q: string) => new URLSearchParams(q);

describe("dashboard filter", () => {
  it("defaults to the 30 days up to today, blank fields ignored", () => {
    expect(parseDashboardParams(params("from=&to=&host="), "2026-12-01")).toEqual({
      from: "2026-11-02",
      to: "2026-12-01",
      host: null,
    });
  });

  it("fills the missing end of a half-open range with 30 days", () => {
    expect(parseDashboardParams(params("from=2026-02-01"), "2026-12-01")).toMatchObject({
      from: "2026-02-01",
      to: "2026-03-02",
    });
    expect(parseDashboardParams(params("to=2026-03-01&host=h1"), "2026-12-01")).toEqual({
      from: "2026-01-31",
      to: "2026-03-01",
      host: "h1",
    });
  });

  it.each([
    ["from=2026-13-01", "from"],
    ["from=yesterday", "from"],
    ["from=2026-03-02&to=2026-03-01", "from"],
    [`from=2020-01-01&to=2026-01-01`, "from"],
  ])("rejects %s naming %s", (q, field) => {
    try {
      parseDashboardParams(params(q));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).fields?.[field]).toBeTruthy();
    }
  });

  it("accepts the longest range and lists every day in it", () => {
    const q = parseDashboardParams(params("from=2024-01-01&to=2025-12-31"));
    expect(daysOf(q)).toHaveLength(MAX_RANGE_DAYS);
    expect(daysOf({ from: "2024-02-27", to: "2024-03-01", host: null })).toEqual([
      "2024-02-27",
      "2024-02-28",
      "2024-02-29",
      "2024-03-01",
    ]);
  });
});

describe("dashboard arithmetic", () => {
  it("success rate counts only deployments that ended; none ended gives no rate", () => {
    expect(successRate({ succeeded: 3, failed: 1, cancelled: 0, blocked: 5, active: 7 })).toBe(0.75);
    expect(successRate({ succeeded: 0, failed: 0, cancelled: 0, blocked: 2, active: 1 })).toBeNull();
  });

  it("per-day series has every day, zero where nothing happened", () => {
    const series = perDaySeries(
      ["2026-01-01", "2026-01-02", "2026-01-03"],
      [
        { day: "2026-01-01", outcome: "succeeded", count: 2 },
        { day: "2026-01-03", outcome: "failed", count: 1 },
        { day: "2026-01-03", outcome: "succeeded", count: 4 },
      ],
    );
    expect(series).toEqual([
      { day: "2026-01-01", succeeded: 2, failed: 0, cancelled: 0, blocked: 0, active: 0 },
      { day: "2026-01-02", succeeded: 0, failed: 0, cancelled: 0, blocked: 0, active: 0 },
      { day: "2026-01-03", succeeded: 4, failed: 1, cancelled: 0, blocked: 0, active: 0 },
    ]);
  });
});
