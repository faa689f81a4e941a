import { TONE } from "@/components/ui/status-badge";

const STATES: Record<string, { label: string; tone: keyof typeof TONE; hint: string }> = {
  ok: { label: "ok", tone: "good", hint: "Installed and working" },
  missing: { label: "missing", tone: "warn", hint: "Not installed" },
  broken: { label: "broken", tone: "bad", hint: "Installed, but what it provides does not work" },
  ready: { label: "ready", tone: "good", hint: "Every prerequisite is in place" },
  blocked: {
    label: "blocked — needs you",
    tone: "needsYou",
    hint: "WebOps could not install what is missing; the prerequisites page says what to run",
  },
  unsupported: { label: "unsupported", tone: "neutral", hint: "WebOps has no package names for this system" },
  not_met: { label: "not met", tone: "bad", hint: "Below what vLLM needs" },
  limited: { label: "limited", tone: "warn", hint: "Works, with limits" },
  unknown: { label: "unknown", tone: "neutral", hint: "Not known until it is installed" },
};

/** The state of a prerequisite, a minimum or a whole host profile, as a small chip. */
export function PrereqStateChip({ state, testId }: { state: string; testId?: string }) {
  const s = STATES[state] ?? { label: state, tone: "neutral" as const, hint: state };
  return (
    <span
      data-testid={testId}
      data-state={state}
      title={s.hint}
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-px text-[11px] font-medium ring-1 ring-inset ${TONE[s.tone]}`}
    >
      {s.label}
    </span>
  );
}
