/**
 * Prometheus' text exposition format (version 0.0.4): metric families with HELP, TYPE and samples.
 * Label values are escaped (backslash, quote, newline); names are the caller's constants.
 */
export type TSample = { labels?: Record<string, string>; value: number; suffix?: string };

export interface TMetricFamily {
  name: string;
  help: string;
  type: "gauge" | "counter" | "histogram";
  samples: TSample[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

export function exposition(families: readonly TMetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`);
    out.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      const text =
        labels.length === 0 ? "" : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
      out.push(`${f.name}${s.suffix ?? ""}${text} ${formatValue(s.value)}`);
    }
  }
  return `${out.join("\n")}\n`;
}

/** Upper bounds (seconds) of the job duration histogram's buckets. */
export const JOB_SECONDS_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600] as const;
