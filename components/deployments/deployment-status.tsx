import { TONE } from "@/components/ui/status-badge";
import type { TDeploymentStatus, TStageStatus } from "@/lib/deployments/view";

const DEPLOYMENT: Record<TDeploymentStatus, { label: string; tone: keyof typeof TONE; hint: string }> = {
  queued: {
    label: "queued",
    tone: "neutral",
    hint: "Waiting for a worker, or for the host's current deployment",
  },
  deploying: { label: "deploying", tone: "busy", hint: "The pipeline is running" },
  running: { label: "running", tone: "good", hint: "vLLM serves the model and answered the sanity request" },
  failed: { label: "failed", tone: "bad", hint: "A stage failed; Retry goes on from there" },
  cancelled: { label: "cancelled", tone: "off", hint: "Cancelled by an operator" },
  blocked: {
    label: "blocked — needs you",
    tone: "needsYou",
    hint: "Fix what the log says on the host, then Retry",
  },
  stopped: { label: "stopped", tone: "off", hint: "Replaced by a later deployment, or stopped" },
};

export function DeploymentStatusBadge({ status }: { status: TDeploymentStatus }) {
  const badge = DEPLOYMENT[status];
  return (
    <span
      title={badge.hint}
      data-testid="deployment-status"
      data-status={status}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[badge.tone]}`}
    >
      {badge.label}
    </span>
  );
}

const STAGE_MARK: Record<TStageStatus, { mark: string; className: string }> = {
  pending: { mark: "○", className: "text-slate-400" },
  running: { mark: "◐", className: "text-sky-600 animate-pulse" },
  succeeded: { mark: "✓", className: "text-emerald-600" },
  failed: { mark: "✗", className: "text-rose-600" },
  skipped: { mark: "↷", className: "text-slate-500" },
  cancelled: { mark: "■", className: "text-slate-500" },
};

export function StageMark({ status }: { status: TStageStatus }) {
  const m = STAGE_MARK[status];
  return (
    <span aria-hidden className={`inline-block w-4 text-center ${m.className}`}>
      {m.mark}
    </span>
  );
}
