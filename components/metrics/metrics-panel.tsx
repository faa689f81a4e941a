"use client";

import { useCallback, useEffect, useState } from "react";
import { apiCall } from "@/components/ui/api-call";
import { RelativeTime } from "@/components/ui/relative-time";
import type { THealthView, TMetricSeries } from "@/lib/monitor/series";
import { METRIC_WINDOWS, type TMetricWindow } from "@/lib/monitor/windows";
import { HealthChip } from "./health-chip";
import { HealthHistory } from "./health-history";
import { MetricChart, type TChartSeries } from "./metric-chart";

/** How often the open page asks again; the monitor itself polls every WEBOPS_HEALTH_INTERVAL_MS. */
const REFRESH_MS = 3000;

const CHARTS: {
  id: string;
  title: string;
  series: TChartSeries[];
  format: (v: number) => string;
  yMax?: number;
}[] = [
  {
    id: "requests",
    title: "Requests",
    series: [
      { key: "requestsRunning", label: "running", color: "#0ea5e9" },
      { key: "requestsWaiting", label: "waiting", color: "#f59e0b" },
    ],
    format: (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)),
  },
  {
    id: "tokens",
    title: "Tokens per second",
    series: [
      { key: "promptTokensPerS", label: "prompt", color: "#6366f1" },
      { key: "generationTokensPerS", label: "generation", color: "#10b981" },
    ],
    format: (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(1)),
  },
  {
    id: "kv-cache",
    title: "KV-cache usage",
    series: [{ key: "kvCacheUsage", label: "used", color: "#f43f5e" }],
    format: (v) => `${(v * 100).toFixed(0)}%`,
    yMax: 1,
  },
  {
    id: "ttft",
    title: "Time to first token",
    series: [
      { key: "ttftP50", label: "p50", color: "#0ea5e9" },
      { key: "ttftP95", label: "p95", color: "#7c3aed" },
    ],
    format: seconds,
  },
  {
    id: "e2e",
    title: "End-to-end latency",
    series: [
      { key: "e2eP50", label: "p50", color: "#0ea5e9" },
      { key: "e2eP95", label: "p95", color: "#7c3aed" },
    ],
    format: seconds,
  },
  {
    id: "itl",
    title: "Inter-token latency",
    series: [
      { key: "interTokenP50", label: "p50", color: "#0ea5e9" },
      { key: "interTokenP95", label: "p95", color: "#7c3aed" },
    ],
    format: seconds,
  },
];

/**
 * A deployment's health and metrics: the monitor's verdict with its reason, the charts over a chosen
 * window, and the history of status changes. Refreshed every few seconds while the page is open.
 */
export function MetricsPanel({
  deploymentId,
  deploymentStatus,
}: {
  deploymentId: string;
  deploymentStatus: string;
}) {
  const [chosen, setChosen] = useState<TMetricWindow>("15m");
  const [series, setSeries] = useState<TMetricSeries | null>(null);
  const [health, setHealth] = useState<THealthView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [m, h] = await Promise.all([
      apiCall<TMetricSeries>(`/api/deployments/${deploymentId}/metrics?window=${chosen}`, { method: "GET" }),
      apiCall<THealthView>(`/api/deployments/${deploymentId}/health`, { method: "GET" }),
    ]);
    if (m.ok) setSeries(m.body);
    if (h.ok) setHealth(h.body);
    setError(m.ok ? (h.ok ? null : h.error) : m.error);
  }, [deploymentId, chosen]);

  const live = deploymentStatus === "running";
  useEffect(() => {
    void load();
    if (!live) return;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, live]);

  const from = series ? Date.parse(series.from) : 0;
  const to = series ? Date.parse(series.to) : 0;
  const sources = series?.sources;
  return (
    <section aria-label="Health and metrics" className="grid gap-3" data-testid="metrics-panel">
      <div className="flex flex-wrap items-center gap-3">
        <h2 className="text-sm font-semibold text-slate-700">Health</h2>
        {live ? (
          <HealthChip health={health?.health ?? null} />
        ) : (
          <span className="text-xs text-slate-500">not monitored ({deploymentStatus})</span>
        )}
        {live && health?.reason && (
          <span className="text-sm text-slate-600" data-testid="health-reason">
            {health.reason}
          </span>
        )}
        {live && health?.checkedAt && (
          <span className="text-xs text-slate-400">
            checked <RelativeTime iso={health.checkedAt} />
          </span>
        )}
        <fieldset className="ml-auto flex gap-1" aria-label="Window">
          {(Object.keys(METRIC_WINDOWS) as TMetricWindow[]).map((w) => (
            <button
              key={w}
              type="button"
              aria-pressed={w === chosen}
              onClick={() => setChosen(w)}
              className={`rounded-md px-2 py-1 text-xs ring-1 ring-inset ${w === chosen ? "bg-slate-900 text-white ring-slate-900" : "bg-white text-slate-600 ring-slate-300 hover:bg-slate-50"}`}
            >
              {METRIC_WINDOWS[w].label}
            </button>
          ))}
        </fieldset>
      </div>
      {error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {error}
        </p>
      )}
      {series && (
        <div className="grid gap-3 md:grid-cols-2">
          {CHARTS.map((chart) => (
            <MetricChart key={chart.id} {...chart} points={series.points} from={from} to={to} />
          ))}
        </div>
      )}
      {sources && (sources.kvCacheUsage || sources.interTokenLatency) && (
        <p className="text-xs text-slate-400" data-testid="metric-sources">
          Read from {[sources.kvCacheUsage, sources.interTokenLatency].filter(Boolean).join(", ")}
          {series?.bucketMs ? ` · each point averages ${Math.round(series.bucketMs / 1000)} s` : ""}
        </p>
      )}
      <div>
        <h3 className="mb-1 text-xs font-semibold text-slate-600">Status history</h3>
        <HealthHistory events={health?.events ?? []} />
      </div>
    </section>
  );
}

function seconds(v: number): string {
  if (v === 0) return "0";
  if (v < 0.01) return `${(v * 1000).toFixed(2)} ms`;
  return v < 1 ? `${Math.round(v * 1000)} ms` : `${v.toFixed(2)} s`;
}
