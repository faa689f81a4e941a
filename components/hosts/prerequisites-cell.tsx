import { sudoLabel, sudoSummary } from "./facts-read";

/**
 * What the host list can say about prerequisites today: whether the host was checked, and what
 * sudo allows. The prerequisites themselves are checked when deploying, not invented here.
 */
export function PrerequisitesCell({ facts }: { facts: Record<string, unknown> | null }) {
  if (!facts) return <span className="text-slate-400">not checked</span>;
  const sudo = sudoSummary(facts);
  return (
    <span className="flex items-center gap-2">
      <span className="text-slate-400" title="checked when deploying">
        —
      </span>
      {sudo && (
        <span
          data-testid="host-sudo"
          data-sudo-mode={sudo.mode}
          title={sudo.summary}
          className={`whitespace-nowrap rounded px-1.5 py-px text-[11px] ring-1 ring-inset ${
            sudo.canInstall === false && sudo.reason !== "unknown"
              ? "bg-amber-50 text-amber-800 ring-amber-200"
              : "bg-slate-50 text-slate-600 ring-slate-200"
          }`}
        >
          {sudoLabel(sudo)}
        </span>
      )}
    </span>
  );
}
