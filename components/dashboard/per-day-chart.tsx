"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TDayRow, TOutcome } from "@/lib/dashboard/outcomes";

const SERIES: { key: TOutcome; label: string; color: string }[] = [
  { key: "succeeded", label: "Reached running", color: "#10b981" },
  { key: "failed", label: "Failed", color: "#f43f5e" },
  { key: "cancelled", label: "Cancelled", color: "#94a3b8" },
  { key: "blocked", label: "Blocked", color: "#f59e0b" },
  { key: "active", label: "In progress", color: "#0ea5e9" },
];

/** Deployments per day, stacked by outcome. */
export function PerDayChart({ days }: { days: TDayRow[] }) {
  return (
    <div className="h-64 w-full" data-testid="per-day-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis
            dataKey="day"
            tick={{ fontSize: 11 }}
            tickFormatter={(d: string) => d.slice(5)}
            minTickGap={16}
          />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stackId="outcome"
              fill={s.color}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
