// Browser-safe: the outcome buckets and the arithmetic over them, shared by the chart and the SQL's callers.

/**
 * A deployment's outcome: `succeeded` reached running (it is running, or stopped when a later
 * deployment replaced it), `active` has not ended (queued or deploying), the rest as their status.
 */
export const OUTCOMES = ["succeeded", "failed", "cancelled", "blocked", "active"] as const;
export type TOutcome = (typeof OUTCOMES)[number];

export type TOutcomeCounts = Record<TOutcome, number>;

export function emptyCounts(): TOutcomeCounts {
  return { succeeded: 0, failed: 0, cancelled: 0, blocked: 0, active: 0 };
}

/**
 * Success rate over the deployments that ended (succeeded, failed or cancelled); blocked ones wait for
 * the operator and active ones have not ended, so neither counts. Null when none ended.
 */
export function successRate(c: TOutcomeCounts): number | null {
  const ended = c.succeeded + c.failed + c.cancelled;
  return ended === 0 ? null : c.succeeded / ended;
}

export interface TDayRow extends TOutcomeCounts {
  day: string;
}

/** One row per day of `days`, zero where the database had none, from (day, outcome, count) triples. */
export function perDaySeries(
  days: string[],
  rows: { day: string; outcome: string; count: number }[],
): TDayRow[] {
  const byDay = new Map<string, TDayRow>(days.map((day) => [day, { day, ...emptyCounts() }]));
  for (const row of rows) {
    const target = byDay.get(row.day);
    if (target && (OUTCOMES as readonly string[]).includes(row.outcome))
      target[row.outcome as TOutcome] += row.count;
  }
  return [...byDay.values()];
}
