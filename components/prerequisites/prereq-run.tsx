"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { LiveLog } from "@/components/operations/live-log";
import { apiCall } from "@/components/ui/api-call";
import { isFinalStatus, type TOperationStatus } from "@/lib/logs/line";
import type { TPrereqResult } from "@/lib/prerequisites/result";
import { PrereqBlockedPanel } from "./blocked-panel";
import { PrereqReportTable } from "./report-table";

/** How often, and how many times, to ask the server for the outcome the live log just announced. */
const REFRESH_EVERY_MS = 1000;
const REFRESH_TRIES = 30;

/**
 * A prerequisites run: its live log, and around it what the outcome asks of the operator (a
 * blocked run's instructions and Re-check) or tells them (the report). The result comes from the
 * server; when the log announces a new status the page is refreshed until the server agrees.
 */
export function PrereqRun({
  operationId,
  hostId,
  serverStatus,
  serverError,
  result,
}: {
  operationId: string;
  hostId: string;
  /** The status the server rendered this page with; `result` belongs to it. */
  serverStatus: TOperationStatus;
  serverError: string | null;
  result: TPrereqResult | null;
}) {
  const router = useRouter();
  const [status, setStatus] = useState(serverStatus);
  const [restart, setRestart] = useState<{ generation: number; status: TOperationStatus | null }>({
    generation: 0,
    status: null,
  });
  const [rechecking, setRechecking] = useState(false);
  const [recheckError, setRecheckError] = useState<string>();

  useEffect(() => {
    if (!isFinalStatus(status) || status === serverStatus) return;
    let tries = 0;
    router.refresh();
    const timer = setInterval(() => {
      tries += 1;
      if (tries >= REFRESH_TRIES) clearInterval(timer);
      else router.refresh();
    }, REFRESH_EVERY_MS);
    return () => clearInterval(timer);
  }, [status, serverStatus, router]);

  async function recheck() {
    setRechecking(true);
    setRecheckError(undefined);
    const resumed = await apiCall<{ operationId: string }>(`/api/operations/${operationId}/resume`, {
      method: "POST",
    });
    setRechecking(false);
    if (!resumed.ok) {
      setRecheckError(resumed.error);
      // Resumed elsewhere (another tab, another operator): follow the log again to see what it does.
      if (resumed.status === 409) setRestart((r) => ({ generation: r.generation + 1, status: null }));
      router.refresh();
      return;
    }
    setRestart((r) => ({ generation: r.generation + 1, status: "queued" }));
    router.refresh();
  }

  // Only what the server says about the status the log shows: no stale report under a new status.
  const settled = status === serverStatus && isFinalStatus(status);
  const blocked = settled && status === "blocked" ? (result?.blocked ?? null) : null;
  const report = settled ? (result?.report ?? null) : null;
  const changed = settled && result ? [...result.installed, ...result.reinstalled] : [];

  return (
    <div className="grid gap-6">
      {blocked && (
        <PrereqBlockedPanel blocked={blocked} onRecheck={recheck} busy={rechecking} error={recheckError} />
      )}
      {settled && result?.unsupported && (
        <p
          className="rounded-md bg-slate-100 px-4 py-3 text-sm text-slate-700 ring-1 ring-inset ring-slate-200"
          data-testid="prereq-unsupported"
        >
          WebOps has no package names for {result.unsupported.os}
          {result.unsupported.packageManager ? ` (${result.unsupported.packageManager})` : ""}: install the
          prerequisites by hand, or use another install method.
        </p>
      )}
      <LiveLog
        operationId={operationId}
        hostId={hostId}
        initialStatus={serverStatus}
        initialError={serverError}
        generation={restart.generation}
        generationStatus={restart.status}
        onStatus={(next) => setStatus(next)}
        hideError={blocked !== null}
      />
      {report && (
        <section className="grid gap-3" aria-labelledby="prereq-report-title">
          <div className="flex flex-wrap items-baseline justify-between gap-3">
            <h2 id="prereq-report-title" className="text-base font-semibold">
              Report
            </h2>
            {changed.length > 0 && (
              <p className="text-xs text-slate-600" data-testid="prereq-installed">
                Installed by this run: <span className="font-mono">{changed.join(" ")}</span>
              </p>
            )}
          </div>
          <PrereqReportTable report={report} />
        </section>
      )}
    </div>
  );
}
