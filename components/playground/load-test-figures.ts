import type { TLoadTestView } from "@/lib/load-test/schema";

export const fmtMs = (v: number | null): string =>
  v === null ? "–" : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`;

export const fmtRate = (v: number | null, digits = 1): string => (v === null ? "–" : v.toFixed(digits));

/** One line for the acceptance record: what was verified, and how it went. */
export function acceptanceSummary(t: TLoadTestView): string {
  return `${t.requests} requests at concurrency ${t.concurrency}, ${t.promptWords}-word prompts: latency p50 ${fmtMs(t.latencyP50Ms)} / p95 ${fmtMs(t.latencyP95Ms)}, first token p50 ${fmtMs(t.ttftP50Ms)} / p95 ${fmtMs(t.ttftP95Ms)}, ${fmtRate(t.outputTokensPerS)} output tokens/s, 0 errors`;
}
