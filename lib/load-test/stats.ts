/** One request of a load test as measured by the client. */
export interface TRequestSample {
  ok: boolean;
  /** Send to last byte of the answer; for a failed request, until it failed. */
  latencyMs: number;
  /** Send to the first content token; null when none came. */
  ttftMs: number | null;
  completionTokens: number;
  error?: string | undefined;
}

export interface TLoadTestFigures {
  succeeded: number;
  errors: number;
  /** The first distinct error messages, in the order they happened. */
  errorMessages: string[];
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  /** Output tokens of every successful request over the run's wall time. */
  outputTokensPerS: number | null;
  /** Successful requests over the run's wall time. */
  requestsPerS: number | null;
  durationMs: number;
}

export const MAX_ERROR_MESSAGES = 5;

/**
 * The p-th percentile (0..100) of values, interpolating linearly between the two nearest ranks (as
 * numpy's default and most load tools do); null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (p < 0 || p > 100 || Number.isNaN(p)) throw new RangeError(`percentile must be within 0..100, not ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const lo = sorted[lower] as number;
  const hi = sorted[upper] as number;
  return lo + (hi - lo) * (rank - lower);
}

/** A run's figures: latency and TTFT over successful requests only, rates over the whole wall time. */
export function summarize(samples: readonly TRequestSample[], durationMs: number): TLoadTestFigures {
  const ok = samples.filter((s) => s.ok);
  const failed = samples.filter((s) => !s.ok);
  const latencies = ok.map((s) => s.latencyMs);
  const ttfts = ok.flatMap((s) => (s.ttftMs === null ? [] : [s.ttftMs]));
  const seconds = durationMs / 1000;
  const tokens = ok.reduce((sum, s) => sum + s.completionTokens, 0);
  const errorMessages: string[] = [];
  for (const s of failed) {
    const message = s.error ?? "unknown error";
    if (!errorMessages.includes(message)) errorMessages.push(message);
    if (errorMessages.length === MAX_ERROR_MESSAGES) break;
  }
  return {
    succeeded: ok.length,
    errors: failed.length,
    errorMessages,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    ttftP50Ms: percentile(ttfts, 50),
    ttftP95Ms: percentile(ttfts, 95),
    outputTokensPerS: seconds > 0 && ok.length > 0 ? tokens / seconds : null,
    requestsPerS: seconds > 0 && ok.length > 0 ? ok.length / seconds : null,
    durationMs,
  };
}
