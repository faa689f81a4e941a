import { describe, expect, it } from "vitest";
import { histogramQuantile, type THistogramBucket } from "@/lib/metrics/histogram-quantile";
import { parsePrometheusText } from "@/lib/metrics/prometheus-text";
import { counterIncrease, histogramDelta, rates } from "@/lib/metrics/rates";
import { type THistogram, type TVllmSnapshot, vllmSnapshot } from "@/lib/metrics/vllm-snapshot";
import { METRICS_WINDOW, readMetricsFixture } from "../fixtures/metrics";

const buckets = (pairs: [number, number][]): THistogramBucket[] =>
  pairs.map(([le, count]) => ({ le, count }));
const histogram = (pairs: [number, number][], sum: number): THistogram => ({
  buckets: buckets(pairs),
  sum,
  count: pairs.at(-1)?.[1] ?? 0,
});
const snapshot = (over: Partial<TVllmSnapshot>): TVllmSnapshot => ({
  requestsRunning: 0,
  requestsWaiting: 0,
  kvCacheUsage: 0,
  promptTokensTotal: 0,
  generationTokensTotal: 0,
  ttft: null,
  e2eLatency: null,
  interTokenLatency: null,
  sources: { kvCacheUsage: "vllm:kv_cache_usage_perc", interTokenLatency: null },
  modelNames: ["m"],
  ...over,
});

describe("histogramQuantile (PromQL's histogram_quantile)", () => {
  // 10 observations in [0, 1], 20 in (1, 2], 10 in (2, 4], none above.
  const b = buckets([
    [1, 10],
    [2, 30],
    [4, 40],
    [Infinity, 40],
  ]);

  it("interpolates linearly inside the bucket the rank falls in", () => {
    expect(histogramQuantile(0.5, b)).toBeCloseTo(1.5, 12); // rank 20: 1 + (2 - 1) * (20 - 10) / 20
    expect(histogramQuantile(0.95, b)).toBeCloseTo(3.6, 12); // rank 38: 2 + (4 - 2) * (38 - 30) / 10
    expect(histogramQuantile(0.1, b)).toBeCloseTo(0.4, 12); // rank 4 in the lowest bucket, from 0: 1 * 4 / 10
    expect(histogramQuantile(1, b)).toBe(4); // rank 40: the top of (2, 4]
  });

  it("returns the highest finite bound when the rank falls in the +Inf bucket", () => {
    const tail = buckets([
      [1, 5],
      [2, 8],
      [Infinity, 10],
    ]);
    expect(histogramQuantile(0.95, tail)).toBe(2); // rank 9.5 > 8
  });

  it("returns the lowest bound itself when it is not positive", () => {
    const withZero = buckets([
      [0, 4],
      [1, 8],
      [Infinity, 8],
    ]);
    expect(histogramQuantile(0.25, withZero)).toBe(0);
  });

  it("sorts, adds up equal bounds and forces monotonic counts, without touching its input", () => {
    const messy = buckets([
      [Infinity, 10],
      [4, 10],
      [2, 5],
      [1, 6],
    ]);
    const copy = structuredClone(messy);
    expect(histogramQuantile(0.5, messy)).toBeCloseTo(5 / 6, 12); // counts become 6, 6, 10, 10: rank 5 in [0, 1]
    expect(messy).toEqual(copy);
    const twice = buckets([
      [1, 2],
      [1, 2],
      [Infinity, 8],
    ]);
    expect(histogramQuantile(0.25, twice)).toBeCloseTo(0.5, 12); // (1: 4): rank 2 -> 1 * 2 / 4
  });

  it("is NaN without observations, without a +Inf bucket or with one bucket, and for q = NaN", () => {
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNaN();
    expect(
      histogramQuantile(
        0.5,
        buckets([
          [1, 3],
          [2, 4],
        ]),
      ),
    ).toBeNaN();
    expect(histogramQuantile(0.5, buckets([[Infinity, 4]]))).toBeNaN();
    expect(histogramQuantile(0.5, [])).toBeNaN();
    expect(histogramQuantile(Number.NaN, b)).toBeNaN();
  });

  it("is -Infinity below q = 0 and +Infinity above q = 1", () => {
    expect(histogramQuantile(-0.1, b)).toBe(-Infinity);
    expect(histogramQuantile(1.1, b)).toBe(Infinity);
  });
});

describe("counterIncrease", () => {
  it("is the difference, or the current value after a reset, or null when either is missing", () => {
    expect(counterIncrease(100, 160)).toBe(60);
    expect(counterIncrease(100, 100)).toBe(0);
    expect(counterIncrease(1000, 300)).toBe(300);
    expect(counterIncrease(null, 5)).toBeNull();
    expect(counterIncrease(5, null)).toBeNull();
  });
});

describe("histogramDelta", () => {
  const before = histogram(
    [
      [1, 4],
      [2, 6],
      [Infinity, 7],
    ],
    9,
  );

  it("subtracts bucket by bucket", () => {
    const after = histogram(
      [
        [1, 5],
        [2, 9],
        [Infinity, 11],
      ],
      15.5,
    );
    expect(histogramDelta(before, after)).toEqual(
      histogram(
        [
          [1, 1],
          [2, 3],
          [Infinity, 4],
        ],
        6.5,
      ),
    );
  });

  it("takes the current histogram whole after a restart: a count fell or the bounds changed", () => {
    const restarted = histogram(
      [
        [1, 1],
        [2, 2],
        [Infinity, 2],
      ],
      2.5,
    );
    expect(histogramDelta(before, restarted)).toBe(restarted);
    const rebucketed = histogram(
      [
        [0.5, 3],
        [2, 8],
        [Infinity, 9],
      ],
      10,
    );
    expect(histogramDelta(before, rebucketed)).toBe(rebucketed);
  });

  it("is null when either side is missing", () => {
    expect(histogramDelta(null, before)).toBeNull();
    expect(histogramDelta(before, null)).toBeNull();
  });
});

describe("rates", () => {
  it("gives token throughput and p50/p95 over the 15 s between two recorded scrapes", () => {
    const before = vllmSnapshot(parsePrometheusText(readMetricsFixture("vllm-current")));
    const after = vllmSnapshot(parsePrometheusText(readMetricsFixture("vllm-current-15s-later")));
    const r = rates(before, after, METRICS_WINDOW.seconds);

    expect(r.promptTokensPerSecond).toBeCloseTo(1400, 9); // 21000 / 15
    expect(r.generationTokensPerSecond).toBeCloseTo(323, 9); // 4845 / 15
    // TTFT, cumulative in the window: 0.04: 4, 0.06: 14, 0.08: 26, 0.1: 34, 0.25: 38, 0.5: 40.
    expect(r.ttft?.observations).toBe(METRICS_WINDOW.ttftRequests);
    expect(r.ttft?.p50).toBeCloseTo(0.07, 12); // rank 20: 0.06 + 0.02 * (20 - 14) / 12
    expect(r.ttft?.p95).toBeCloseTo(0.25, 12); // rank 38: 0.1 + 0.15 * (38 - 34) / 4
    expect(r.ttft?.mean).toBeCloseTo(3.4176 / 40, 9);
    // e2e: 1: 2, 1.5: 8, 2: 19, 2.5: 30, 5: 37, 10: 40.
    expect(r.e2eLatency?.observations).toBe(METRICS_WINDOW.e2eRequests);
    expect(r.e2eLatency?.p50).toBeCloseTo(2 + 0.5 / 11, 12); // rank 20: 2 + 0.5 * (20 - 19) / 11
    expect(r.e2eLatency?.p95).toBeCloseTo(5 + 5 / 3, 12); // rank 38: 5 + 5 * (38 - 37) / 3
    // ITL: 0.025: 3000, 0.05: 4500, 0.075: 4740, 0.1: 4800.
    expect(r.interTokenLatency?.observations).toBe(METRICS_WINDOW.interTokenGaps);
    expect(r.interTokenLatency?.p50).toBeCloseTo(0.022, 12); // rank 2400: 0.01 + 0.015 * 2400 / 3000
    expect(r.interTokenLatency?.p95).toBeCloseTo(0.05625, 12); // rank 4560: 0.05 + 0.025 * 60 / 240
  });

  it("counts from zero after a counter reset", () => {
    const r = rates(
      snapshot({ promptTokensTotal: 90_000, generationTokensTotal: 20_000 }),
      snapshot({ promptTokensTotal: 300, generationTokensTotal: 50 }),
      10,
    );
    expect(r.promptTokensPerSecond).toBe(30);
    expect(r.generationTokensPerSecond).toBe(5);
  });

  it("has null quantiles and zero throughput when no request ran in the window", () => {
    const same = vllmSnapshot(parsePrometheusText(readMetricsFixture("vllm-current")));
    const r = rates(same, same, 15);
    expect(r.promptTokensPerSecond).toBe(0);
    expect(r.ttft).toEqual({ p50: null, p95: null, mean: null, observations: 0 });
    expect(r.e2eLatency?.p95).toBeNull();
  });

  it("has null rates for metrics the server does not expose, and for a non-positive interval", () => {
    const withoutItl = rates(snapshot({}), snapshot({}), 5);
    expect(withoutItl.interTokenLatency).toBeNull();
    expect(withoutItl.ttft).toBeNull();
    const missingCounter = rates(snapshot({ promptTokensTotal: null }), snapshot({}), 5);
    expect(missingCounter.promptTokensPerSecond).toBeNull();
    for (const seconds of [0, -3, Number.NaN, Infinity]) {
      expect(rates(snapshot({}), snapshot({ promptTokensTotal: 10 }), seconds)).toEqual({
        promptTokensPerSecond: null,
        generationTokensPerSecond: null,
        ttft: null,
        e2eLatency: null,
        interTokenLatency: null,
      });
    }
  });
});
