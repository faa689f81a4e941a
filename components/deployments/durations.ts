/** "1.4 s", "2 min 05 s", "1 h 02 min": a stage's or deployment's duration. */
export function formatDuration(ms: number): string {
  if (ms < 0) return "0 s";
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

export function durationBetween(from: string | null, to: string | null, now = Date.now()): number | null {
  if (!from) return null;
  return (to ? Date.parse(to) : now) - Date.parse(from);
}
