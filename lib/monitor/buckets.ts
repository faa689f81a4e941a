import { METRIC_VALUE_KEYS, type TMetricValues } from "../metrics/sample";

/** One chart point: a sample, or the bucket of samples it stands for (`at` is the bucket's start). */
export type TMetricPoint = { at: string } & TMetricValues;

export type TStoredSample = { at: Date } & TMetricValues;

export function samplePoint(sample: TStoredSample): TMetricPoint {
  const point: Record<string, unknown> = { at: sample.at.toISOString() };
  for (const key of METRIC_VALUE_KEYS) point[key] = sample[key];
  return point as unknown as TMetricPoint;
}

/**
 * Samples cut into buckets of `bucketMs` from `start`, one point per bucket that holds any: gauges,
 * rates and p50s are averaged, p95s take the bucket's highest (an average would hide the spike the
 * p95 exists to show). Nulls are left out; a bucket with only nulls for a key has null there.
 */
export function bucketSamples(
  samples: readonly TStoredSample[],
  start: number,
  bucketMs: number,
): TMetricPoint[] {
  const groups = new Map<number, TStoredSample[]>();
  for (const sample of samples) {
    const index = Math.floor((sample.at.getTime() - start) / bucketMs);
    const group = groups.get(index);
    if (group) group.push(sample);
    else groups.set(index, [sample]);
  }
  return [...groups].map(([index, group]) => {
    const point: Record<string, unknown> = { at: new Date(start + index * bucketMs).toISOString() };
    for (const key of METRIC_VALUE_KEYS) {
      const values = group.map((s) => s[key]).filter((v): v is number => v !== null);
      point[key] =
        values.length === 0
          ? null
          : key.endsWith("P95")
            ? Math.max(...values)
            : values.reduce((a, b) => a + b, 0) / values.length;
    }
    return point as unknown as TMetricPoint;
  });
}
