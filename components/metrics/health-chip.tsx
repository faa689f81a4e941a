import { TONE } from "@/components/ui/status-badge";
import type { THealthStatus } from "@/lib/metrics/health-status";

const CHIP: Record<THealthStatus | "unknown", { label: string; tone: keyof typeof TONE; hint: string }> = {
  healthy: { label: "healthy", tone: "good", hint: "/health and /metrics answer, and the server keeps up" },
  degraded: {
    label: "degraded",
    tone: "warn",
    hint: "It answers, but something needs a look: see the reason",
  },
  down: { label: "down", tone: "alarm", hint: "/health does not answer: the server is not serving" },
  unknown: { label: "not polled yet", tone: "neutral", hint: "The monitor has not polled it yet" },
};

export function HealthChip({ health }: { health: THealthStatus | null }) {
  const chip = CHIP[health ?? "unknown"];
  return (
    <span
      title={chip.hint}
      data-testid="health-status"
      data-health={health ?? "unknown"}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[chip.tone]}`}
    >
      {chip.label}
    </span>
  );
}
