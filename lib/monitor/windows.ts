/** The chart windows the panel offers; the API accepts these names only. Safe for client code. */
export const METRIC_WINDOWS = {
  "15m": { label: "15 min", ms: 15 * 60_000 },
  "1h": { label: "1 h", ms: 60 * 60_000 },
  "6h": { label: "6 h", ms: 6 * 60 * 60_000 },
  "24h": { label: "24 h", ms: 24 * 60 * 60_000 },
  "7d": { label: "7 d", ms: 7 * 24 * 60 * 60_000 },
} as const;

export type TMetricWindow = keyof typeof METRIC_WINDOWS;

export function isMetricWindow(value: string): value is TMetricWindow {
  return Object.hasOwn(METRIC_WINDOWS, value);
}

/** At most this many points per chart: longer windows are averaged into buckets. */
export const MAX_POINTS = 360;
