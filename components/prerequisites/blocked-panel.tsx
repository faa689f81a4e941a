import { buttonClass } from "@/components/ui/button";
import { CopyBlock } from "@/components/ui/copy-button";
import type { TPrereqBlocked } from "@/lib/prerequisites/result";

/**
 * A blocked run's way forward: what is missing, why WebOps could not install it, the exact
 * command to run on the host, the sudoers line that lets WebOps do it next time, and Re-check.
 */
export function PrereqBlockedPanel({
  blocked,
  onRecheck,
  busy,
  error,
}: {
  blocked: TPrereqBlocked;
  onRecheck: () => void;
  busy: boolean;
  error?: string;
}) {
  return (
    <section
      data-testid="prereq-blocked"
      aria-labelledby="prereq-blocked-title"
      className="grid gap-3 rounded-lg bg-amber-50 p-5 text-sm ring-1 ring-inset ring-amber-300"
    >
      <h2 id="prereq-blocked-title" className="text-base font-semibold text-amber-950">
        Blocked: this run waits for you
      </h2>
      {blocked.missing.length > 0 && (
        <p
          role="alert"
          data-testid="prereq-missing"
          className="rounded-md bg-rose-50 px-3 py-2 font-medium text-rose-800 ring-1 ring-inset ring-rose-200"
        >
          Missing required build dependencies: {blocked.missing.join(", ")}
        </p>
      )}
      {blocked.broken.length > 0 && (
        <p
          data-testid="prereq-broken"
          className="rounded-md bg-rose-50 px-3 py-2 font-medium text-rose-800 ring-1 ring-inset ring-rose-200"
        >
          Installed but not working, to reinstall: {blocked.broken.join(", ")}
        </p>
      )}
      {blocked.sudoUnavailable && (
        <p
          data-testid="prereq-sudo-warning"
          className="rounded-md bg-white px-3 py-2 text-amber-950 ring-1 ring-inset ring-amber-300"
        >
          <span className="font-semibold">⚠ Sudo access not available</span>
          {blocked.sudoSummary && <span className="block text-amber-900">{blocked.sudoSummary}</span>}
        </p>
      )}
      <div className="grid gap-1.5">
        <p className="text-amber-950">Run this on the host, as a user with sudo or as root:</p>
        <CopyBlock text={blocked.command} testId="prereq-command" />
      </div>
      {blocked.sudoersLine && (
        <div className="grid gap-1.5">
          <p className="text-amber-950">
            To let WebOps install them itself, add this line with{" "}
            <code className="font-mono text-xs">visudo -f /etc/sudoers.d/webops</code>:
          </p>
          <CopyBlock text={blocked.sudoersLine} testId="prereq-sudoers-line" />
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          onClick={onRecheck}
          disabled={busy}
          className={buttonClass.accent}
          data-testid="prereq-recheck"
        >
          {busy ? "Re-checking…" : "Re-check"}
        </button>
        <span className="text-xs text-amber-900">
          After installing them: WebOps checks again and this run continues; its log goes on below.
        </span>
      </div>
      {error && (
        <p role="alert" className="text-sm text-rose-700" data-testid="prereq-recheck-error">
          {error}
        </p>
      )}
    </section>
  );
}
