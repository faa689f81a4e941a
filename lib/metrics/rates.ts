import { histogramQuantile } from "./histogram-quantile";
import type { THistogram, TVllmSnapshot } from "./vllm-snapshot";

/** Latency over one window between two scrapes, in seconds; null where the window saw no requests. */
export interface TWindowLatency {
  p50: number | null;
  p95: number | null;
  mean: number | null;
  /** Observations in the window: requests for TTFT and end-to-end, tokens for inter-token latency. */
  observations: number;
}

/** What the charts plot for the window between two snapshots of one deployment. */
export interface TVllmRates {
  promptTokensPerSecond: number | null;
  generationTokensPerSecond: number | null;
  ttft: TWindowLatency | null;
  e2eLatency: TWindowLatency | null;
  interTokenLatency: TWindowLatency | null;
}

/**
 * How much a counter grew. A smaller current value means vLLM restarted and its counters began
 * again at zero, so the growth is the current value itself (what Prometheus' increase() assumes).
 */
export function counterIncrease(previous: number | null, current: number | null): number | null {
  if (previous === null || current === null) return null;
  return current < previous ? current : current - previous;
}

/**
 * The observations made between two cumulative snapshots of one histogram. A count or bucket that
 * fell, or a different set of bounds (a vLLM upgrade changes them), means the server restarted in
 * between: everything it counted since then lies in the window, so the delta is the current one.
 */
export function histogramDelta(previous: THistogram | null, current: THistogram | null): THistogram | null {
  if (previous === null || current === null) return null;
  const sameBounds =
    previous.buckets.length === current.buckets.length &&
    previous.buckets.every((bucket, i) => bucket.le === current.buckets[i]?.le);
  const restarted =
    !sameBounds ||
    current.count < previous.count ||
    current.buckets.some((bucket, i) => bucket.count < (previous.buckets[i]?.count ?? 0));
  if (restarted) return current;
  return {
    buckets: current.buckets.map((bucket, i) => ({
      le: bucket.le,
      count: bucket.count - (previous.buckets[i]?.count ?? 0),
    })),
    sum: current.sum - previous.sum,
    count: current.count - previous.count,
  };
}

/** p50, p95 and mean of the observations in a window, or nulls when there were none. */
export function windowLatency(delta: THistogram | null): TWindowLatency | null {
  if (delta === null) return null;
  const quantile = (q: number) => {
    const value = histogramQuantile(q, delta.buckets);
    return Number.isFinite(value) ? value : null;
  };
  if (delta.count <= 0) return { p50: null, p95: null, mean: null, observations: 0 };
  return {
    p50: quantile(0.5),
    p95: quantile(0.95),
    mean: delta.sum / delta.count,
    observations: delta.count,
  };
}

/**
 * Token throughput and latency quantiles between two snapshots taken `seconds` apart. A metric the
 * server does not expose is null; so is every rate when the interval is not a positive number.
 */
export function rates(previous: TVllmSnapshot, current: TVllmSnapshot, seconds: number): TVllmRates {
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    return {
      promptTokensPerSecond: null,
      generationTokensPerSecond: null,
      ttft: null,
      e2eLatency: null,
      interTokenLatency: null,
    };
  }
  const perSecond = (increase: number | null) => (increase === null ? null : increase / seconds);
  return {
    promptTokensPerSecond: perSecond(counterIncrease(previous.promptTokensTotal, current.promptTokensTotal)),
    generationTokensPerSecond: perSecond(
      counterIncrease(previous.generationTokensTotal, current.generationTokensTotal),
    ),
    ttft: windowLatency(histogramDelta(previous.ttft, current.ttft)),
    e2eLatency: windowLatency(histogramDelta(previous.e2eLatency, current.e2eLatency)),
    interTokenLatency: windowLatency(histogramDelta(previous.interTokenLatency, current.interTokenLatency)),
  };
}
