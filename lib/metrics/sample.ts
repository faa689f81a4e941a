import { rates, type TWindowLatency } from "./rates";
import type { TVllmSnapshot } from "./vllm-snapshot";

/**
 * The figures one poll stores and the charts plot: gauges as read now, and rates and latency
 * quantiles over the interval since the previous poll (null on the first poll, or where the server
 * does not expose the metric, or where the interval saw no requests).
 */
export interface TMetricValues {
  requestsRunning: number | null;
  requestsWaiting: number | null;
  /** 0 to 1. */
  kvCacheUsage: number | null;
  promptTokensPerS: number | null;
  generationTokensPerS: number | null;
  ttftP50: number | null;
  ttftP95: number | null;
  e2eP50: number | null;
  e2eP95: number | null;
  interTokenP50: number | null;
  interTokenP95: number | null;
}

export const METRIC_VALUE_KEYS = [
  "requestsRunning",
  "requestsWaiting",
  "kvCacheUsage",
  "promptTokensPerS",
  "generationTokensPerS",
  "ttftP50",
  "ttftP95",
  "e2eP50",
  "e2eP95",
  "interTokenP50",
  "interTokenP95",
] as const satisfies readonly (keyof TMetricValues)[];

/** `previous` is the last stored snapshot and how many seconds before this one it was taken. */
export function metricValues(
  current: TVllmSnapshot,
  previous: { snapshot: TVllmSnapshot; secondsAgo: number } | null,
): TMetricValues {
  const window = previous ? rates(previous.snapshot, current, previous.secondsAgo) : null;
  const finite = (n: number | null | undefined) =>
    n === null || n === undefined || !Number.isFinite(n) ? null : n;
  const quantiles = (latency: TWindowLatency | null | undefined) => ({
    p50: finite(latency?.p50),
    p95: finite(latency?.p95),
  });
  const ttft = quantiles(window?.ttft);
  const e2e = quantiles(window?.e2eLatency);
  const itl = quantiles(window?.interTokenLatency);
  return {
    requestsRunning: finite(current.requestsRunning),
    requestsWaiting: finite(current.requestsWaiting),
    kvCacheUsage: finite(current.kvCacheUsage),
    promptTokensPerS: finite(window?.promptTokensPerSecond),
    generationTokensPerS: finite(window?.generationTokensPerSecond),
    ttftP50: ttft.p50,
    ttftP95: ttft.p95,
    e2eP50: e2e.p50,
    e2eP95: e2e.p95,
    interTokenP50: itl.p50,
    interTokenP95: itl.p95,
  };
}

/**
 * A snapshot as JSON stores it: +Inf bucket bounds become the string "+Inf" (JSON has no
 * Infinity), and back.
 */
export function snapshotToJson(snapshot: TVllmSnapshot): unknown {
  return JSON.parse(JSON.stringify(snapshot, (_key, value) => (value === Infinity ? "+Inf" : value)));
}

export function snapshotFromJson(json: unknown): TVllmSnapshot {
  return JSON.parse(JSON.stringify(json), (key, value) =>
    key === "le" && value === "+Inf" ? Infinity : value,
  );
}
