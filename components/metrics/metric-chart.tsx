"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TMetricValues } from "@/lib/metrics/sample";
import type { TMetricPoint } from "@/lib/monitor/series";

export interface TChartSeries {
  key: keyof TMetricValues;
  label: string;
  color: string;
}

/** One metric over the chosen window; gaps (no sample, or nothing to measure) stay gaps. */
export function MetricChart({
  id,
  title,
  points,
  series,
  format,
  from,
  to,
  yMax,
}: {
  id: string;
  title: string;
  points: TMetricPoint[];
  series: TChartSeries[];
  format: (value: number) => string;
  from: number;
  to: number;
  /** A fixed top of the axis (e.g. 1 for a fraction); otherwise it fits the data. */
  yMax?: number;
}) {
  const data = points.map((p) => ({ ...p, t: Date.parse(p.at) }));
  const latest = [...points].reverse().find((p) => series.some((s) => p[s.key] !== null));
  const hasData = latest !== undefined;
  const short = to - from <= 6 * 3_600_000;
  return (
    <figure
      className="rounded-lg border border-slate-200 bg-white p-3"
      data-testid={`metric-chart-${id}`}
      data-points={points.length}
      data-has-data={hasData}
    >
      <figcaption className="mb-1 flex items-baseline gap-2 text-sm">
        <span className="font-medium text-slate-700">{title}</span>
        {latest && (
          <span className="ml-auto text-xs tabular-nums text-slate-500" data-testid={`metric-latest-${id}`}>
            {series
              .map((s) => {
                const v = latest[s.key];
                return v === null ? null : `${s.label} ${format(v)}`;
              })
              .filter(Boolean)
              .join(" · ")}
          </span>
        )}
      </figcaption>
      <div className="h-40 w-full">
        {hasData ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={[from, to]}
                tick={{ fontSize: 11 }}
                tickFormatter={(t: number) => clock(t, short)}
                minTickGap={24}
              />
              <YAxis
                tick={{ fontSize: 11 }}
                width={56}
                domain={[0, yMax ?? "auto"]}
                tickFormatter={(v: number) => format(v)}
              />
              <Tooltip
                labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
                formatter={(value) => (typeof value === "number" ? format(value) : String(value))}
              />
              {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
              {series.map((s) => (
                <Line
                  key={s.key}
                  type="monotone"
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color}
                  dot={false}
                  strokeWidth={1.5}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        ) : (
          <p className="flex h-full items-center justify-center text-xs text-slate-400">
            No samples in this window yet
          </p>
        )}
      </div>
    </figure>
  );
}

function clock(t: number, short: boolean): string {
  const d = new Date(t);
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return short ? hm : `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
}
