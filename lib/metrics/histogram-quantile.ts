/** One cumulative bucket of a classic Prometheus histogram: observations less than or equal to `le`. */
export interface THistogramBucket {
  le: number;
  count: number;
}

/**
 * The q-quantile of cumulative buckets, computed the way PromQL's histogram_quantile() does for
 * classic histograms (promql/quantile.go, bucketQuantile), so a chart agrees with a Grafana panel
 * reading the same vLLM:
 * - linear interpolation inside the bucket the rank falls in, from the previous bucket's bound (or
 *   0 for the lowest bucket when its bound is positive);
 * - a rank in the +Inf bucket returns the highest finite bound;
 * - buckets with the same bound are added together, and counts that fall with a rising bound are
 *   raised to the envelope (ensureMonotonic);
 * - NaN when there are no observations, fewer than two buckets, no +Inf bucket, or q is NaN;
 *   -Infinity for q < 0 and +Infinity for q > 1.
 * The input is not modified.
 */
export function histogramQuantile(q: number, buckets: readonly THistogramBucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (buckets.length === 0) return Number.NaN;

  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted[sorted.length - 1]?.le !== Infinity) return Number.NaN;
  const merged = ensureMonotonic(coalesce(sorted));
  if (merged.length < 2) return Number.NaN;

  const observations = merged[merged.length - 1]?.count ?? 0;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  // The first bucket (the +Inf one excluded) whose count reaches the rank; the last index if none.
  let b = merged.findIndex((bucket, i) => i < merged.length - 1 && bucket.count >= rank);
  if (b === -1) b = merged.length - 1;

  const bucket = merged[b] as THistogramBucket;
  if (b === merged.length - 1) return (merged[merged.length - 2] as THistogramBucket).le;
  if (b === 0 && bucket.le <= 0) return bucket.le;
  let bucketStart = 0;
  let count = bucket.count;
  const below = merged[b - 1];
  if (below) {
    bucketStart = below.le;
    count -= below.count;
    rank -= below.count;
  }
  return bucketStart + (bucket.le - bucketStart) * (rank / count);
}

function coalesce(sorted: readonly THistogramBucket[]): THistogramBucket[] {
  const out: THistogramBucket[] = [];
  for (const bucket of sorted) {
    const last = out[out.length - 1];
    if (last && last.le === bucket.le) last.count += bucket.count;
    else out.push({ le: bucket.le, count: bucket.count });
  }
  return out;
}

function ensureMonotonic(buckets: THistogramBucket[]): THistogramBucket[] {
  let max = -Infinity;
  for (const bucket of buckets) {
    if (bucket.count < max) bucket.count = max;
    else max = bucket.count;
  }
  return buckets;
}
