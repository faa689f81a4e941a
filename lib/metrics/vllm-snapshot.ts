import type { THistogramBucket } from "./histogram-quantile";
import { parsePrometheusNumber, type TSample } from "./prometheus-text";

/**
 * The vLLM series the panel reads. Where vLLM renamed one, the current name comes first and the
 * deprecated one after it: vLLM 0.10 serves both, older releases only the old one, newer releases
 * only the new one. The first name with any sample wins.
 */
export const VLLM_METRICS = {
  requestsRunning: ["vllm:num_requests_running"],
  requestsWaiting: ["vllm:num_requests_waiting"],
  kvCacheUsage: ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"],
  promptTokensTotal: ["vllm:prompt_tokens_total"],
  generationTokensTotal: ["vllm:generation_tokens_total"],
  ttft: ["vllm:time_to_first_token_seconds"],
  e2eLatency: ["vllm:e2e_request_latency_seconds"],
  interTokenLatency: ["vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"],
} as const satisfies Record<string, readonly string[]>;

/** A cumulative histogram: buckets sorted by bound, the last one +Inf. */
export interface THistogram {
  buckets: THistogramBucket[];
  sum: number;
  count: number;
}

/** One scrape of a deployment's /metrics, reduced to what the charts and the monitor read. */
export interface TVllmSnapshot {
  requestsRunning: number | null;
  requestsWaiting: number | null;
  /** 0 to 1. The fullest engine's, when several report (see vllmSnapshot). */
  kvCacheUsage: number | null;
  promptTokensTotal: number | null;
  generationTokensTotal: number | null;
  ttft: THistogram | null;
  e2eLatency: THistogram | null;
  interTokenLatency: THistogram | null;
  /** Which name each renamed metric was read from, null when neither was there. */
  sources: { kvCacheUsage: string | null; interTokenLatency: string | null };
  /** The model_name values on vLLM's series, to tell "wrong model name" from "no metrics". */
  modelNames: string[];
}

export interface TVllmSnapshotOptions {
  /** Only series with this model_name label; all of them when absent. */
  modelName?: string;
}

/**
 * Every metric is null when its series are missing. Several label sets of one metric (several
 * model_name values, or data-parallel engines) are added up, as `sum()` would, except KV-cache
 * usage: it is a fraction per engine, so the snapshot keeps the fullest one, which is where
 * requests start to wait and get preempted.
 */
export function vllmSnapshot(samples: readonly TSample[], options: TVllmSnapshotOptions = {}): TVllmSnapshot {
  const modelNames = new Set<string>();
  const byName = new Map<string, TSample[]>();
  for (const sample of samples) {
    if (!sample.name.startsWith("vllm:")) continue;
    const model = sample.labels.model_name;
    if (model !== undefined) modelNames.add(model);
    if (options.modelName !== undefined && model !== options.modelName) continue;
    const list = byName.get(sample.name);
    if (list) list.push(sample);
    else byName.set(sample.name, [sample]);
  }
  const series = (name: string) => byName.get(name) ?? [];

  const firstPresent = (names: readonly string[], suffix = "") =>
    names.find((name) => series(name + suffix).length > 0) ?? null;
  const sumOf = (names: readonly string[]) => {
    const name = firstPresent(names);
    return name === null ? null : series(name).reduce((total, s) => total + s.value, 0);
  };
  const histogramName = (names: readonly string[]) =>
    firstPresent(names, "_count") ?? firstPresent(names, "_bucket");
  const histogramOf = (name: string | null) =>
    name === null
      ? null
      : histogram(series(`${name}_bucket`), series(`${name}_sum`), series(`${name}_count`));
  const kvName = firstPresent(VLLM_METRICS.kvCacheUsage);
  const itlName = histogramName(VLLM_METRICS.interTokenLatency);

  return {
    requestsRunning: sumOf(VLLM_METRICS.requestsRunning),
    requestsWaiting: sumOf(VLLM_METRICS.requestsWaiting),
    kvCacheUsage: kvName === null ? null : Math.max(...series(kvName).map((s) => s.value)),
    promptTokensTotal: sumOf(VLLM_METRICS.promptTokensTotal),
    generationTokensTotal: sumOf(VLLM_METRICS.generationTokensTotal),
    ttft: histogramOf(histogramName(VLLM_METRICS.ttft)),
    e2eLatency: histogramOf(histogramName(VLLM_METRICS.e2eLatency)),
    interTokenLatency: histogramOf(itlName),
    sources: { kvCacheUsage: kvName, interTokenLatency: itlName },
    modelNames: [...modelNames].sort(),
  };
}

/** Buckets added per bound across label sets, as `sum by (le)` does; a missing +Inf comes from _count. */
function histogram(
  bucketSamples: readonly TSample[],
  sumSamples: readonly TSample[],
  countSamples: readonly TSample[],
): THistogram {
  const byBound = new Map<number, number>();
  for (const sample of bucketSamples) {
    const le = parsePrometheusNumber(sample.labels.le ?? "");
    if (le === undefined || Number.isNaN(le)) continue;
    byBound.set(le, (byBound.get(le) ?? 0) + sample.value);
  }
  const count = countSamples.reduce((total, s) => total + s.value, 0);
  if (!byBound.has(Infinity) && countSamples.length > 0) byBound.set(Infinity, count);
  const buckets = [...byBound].map(([le, n]) => ({ le, count: n })).sort((a, b) => a.le - b.le);
  return {
    buckets,
    sum: sumSamples.reduce((total, s) => total + s.value, 0),
    count: countSamples.length > 0 ? count : (buckets[buckets.length - 1]?.count ?? 0),
  };
}
