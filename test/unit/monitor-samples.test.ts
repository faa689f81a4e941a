import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "@/lib/metrics/prometheus-text";
import { metricValues, snapshotFromJson, snapshotToJson } from "@/lib/metrics/sample";
import { vllmSnapshot } from "@/lib/metrics/vllm-snapshot";
import { bucketSamples, type TStoredSample } from "@/lib/monitor/buckets";
import { probeJobId } from "@/lib/monitor/sweep";
import { isMetricWindow, METRIC_WINDOWS } from "@/lib/monitor/windows";
import { METRICS_WINDOW, readMetricsFixture } from "../fixtures/metrics";

const read = (name: Parameters<typeof readMetricsFixture>[0]) =>
  vllmSnapshot(parsePrometheusText(readMetricsFixture(name)));

describe("metricValues: what one poll stores", () => {
  const before = read("vllm-current");
  const after = read("vllm-current-15s-later");

  it("takes rates and latency quantiles over the interval since the previous poll", () => {
    const v = metricValues(after, { snapshot: before, secondsAgo: METRICS_WINDOW.seconds });
    expect(v.promptTokensPerS).toBeCloseTo(METRICS_WINDOW.promptTokens / METRICS_WINDOW.seconds, 9);
    expect(v.generationTokensPerS).toBeCloseTo(METRICS_WINDOW.generationTokens / METRICS_WINDOW.seconds, 9);
    // TTFT window: 40 requests, rank 20 falls in (0.06, 0.08] holding 12 after 14: 0.06 + 0.02 * 6/12.
    expect(v.ttftP50).toBeCloseTo(0.07, 9);
    // rank 38: the cumulative count reaches 38 exactly at the top of (0.1, 0.25].
    expect(v.ttftP95).toBeCloseTo(0.25, 9);
    expect(v.e2eP50).not.toBeNull();
    expect(v.e2eP95 as number).toBeGreaterThan(v.e2eP50 as number);
    expect(v.interTokenP50).not.toBeNull();
    expect(v.requestsRunning).toBe(after.requestsRunning);
    expect(v.kvCacheUsage).toBe(after.kvCacheUsage);
  });

  it("has gauges but no rates on the first poll", () => {
    const v = metricValues(after, null);
    expect(v.requestsRunning).toBe(after.requestsRunning);
    expect(v.promptTokensPerS).toBeNull();
    expect(v.ttftP50).toBeNull();
    expect(v.e2eP95).toBeNull();
  });

  it("reads a server with only the deprecated names: KV cache from gpu_cache_usage_perc, inter-token from time_per_output_token", () => {
    const old = read("vllm-deprecated-names");
    const v = metricValues(old, { snapshot: old, secondsAgo: 15 });
    expect(v.kvCacheUsage).toBeCloseTo(0.9612, 9);
    expect(old.sources).toEqual({
      kvCacheUsage: "vllm:gpu_cache_usage_perc",
      interTokenLatency: "vllm:time_per_output_token_seconds",
    });
    // Nothing happened between a snapshot and itself: no tokens, no requests to take quantiles of.
    expect(v.generationTokensPerS).toBe(0);
    expect(v.ttftP50).toBeNull();
  });

  it("counts a restarted server's counters from zero instead of going negative", () => {
    const v = metricValues(before, { snapshot: after, secondsAgo: 15 });
    expect(v.promptTokensPerS as number).toBeGreaterThanOrEqual(0);
    expect(v.generationTokensPerS as number).toBeGreaterThanOrEqual(0);
  });
});

describe("snapshots as stored JSON", () => {
  it("keep the +Inf bucket bound through JSON and back", () => {
    const snap = read("vllm-current");
    const json = snapshotToJson(snap);
    expect(JSON.stringify(json)).toContain('"+Inf"');
    const back = snapshotFromJson(JSON.parse(JSON.stringify(json)));
    expect(back.ttft?.buckets.at(-1)?.le).toBe(Infinity);
    expect(back).toEqual(snap);
  });
});

describe("bucketSamples: long windows as fewer points", () => {
  const sample = (ms: number, over: Partial<TStoredSample>): TStoredSample => ({
    at: new Date(ms),
    requestsRunning: null,
    requestsWaiting: null,
    kvCacheUsage: null,
    promptTokensPerS: null,
    generationTokensPerS: null,
    ttftP50: null,
    ttftP95: null,
    e2eP50: null,
    e2eP95: null,
    interTokenP50: null,
    interTokenP95: null,
    ...over,
  });

  it("averages gauges, rates and p50s, takes the highest p95, and leaves nulls out", () => {
    const points = bucketSamples(
      [
        sample(1_000, { requestsRunning: 2, ttftP50: 0.1, ttftP95: 0.3, kvCacheUsage: null }),
        sample(5_000, { requestsRunning: 4, ttftP50: 0.3, ttftP95: 0.9, kvCacheUsage: 0.5 }),
        sample(12_000, { requestsRunning: 1 }),
      ],
      0,
      10_000,
    );
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({
      at: new Date(0).toISOString(),
      requestsRunning: 3,
      ttftP95: 0.9,
      kvCacheUsage: 0.5,
      e2eP50: null,
    });
    expect(points[0]?.ttftP50).toBeCloseTo(0.2, 12);
    expect(points[1]).toMatchObject({
      at: new Date(10_000).toISOString(),
      requestsRunning: 1,
      ttftP50: null,
    });
  });
});

describe("monitor jobs and windows", () => {
  it("a probe's job id is the same for every sweep (so it de-duplicates) and has no ':' (BullMQ refuses it)", () => {
    expect(probeJobId("clx123")).toBe(probeJobId("clx123"));
    expect(probeJobId("clx123")).not.toBe(probeJobId("clx124"));
    expect(probeJobId("clx123")).not.toContain(":");
  });

  it("accepts only the windows the panel offers", () => {
    expect(Object.keys(METRIC_WINDOWS)).toEqual(["15m", "1h", "6h", "24h", "7d"]);
    expect(isMetricWindow("1h")).toBe(true);
    expect(isMetricWindow("2h")).toBe(false);
    expect(isMetricWindow("__proto__")).toBe(false);
  });
});
