"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { useCan } from "@/components/auth/actor-context";
import { LogViewer } from "@/components/logs/log-viewer";
import { MetricsPanel } from "@/components/metrics/metrics-panel";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import { PIPELINE } from "@/lib/deployments/pipeline-stages";
import { isActiveDeployment, type TDeploymentStatus, type TDeploymentView } from "@/lib/deployments/view";
import type { TOperationStatus } from "@/lib/logs/line";
import { ConfigSnapshot } from "./config-snapshot";
import { DeploymentStatusBadge, StageMark } from "./deployment-status";
import { durationBetween, formatDuration } from "./durations";
import { ExportsPanel } from "./exports-panel";
import { LifecycleActions } from "./lifecycle-actions";
import { StageTimeline } from "./timeline";

const OPERATION_STATUS: Record<TDeploymentStatus, TOperationStatus> = {
  queued: "queued",
  deploying: "running",
  running: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  blocked: "blocked",
  stopped: "succeeded",
};

const STAGES = PIPELINE.map((s) => ({ name: s.name, title: s.title }));

/**
 * A deployment as it happens: its stages with times, its place in the host's line, the live log, and
 * Cancel / Retry / Redeploy. The record is re-read while the deployment is active and whenever the log
 * reports a status change.
 */
export function DeploymentDetail({ initial }: { initial: TDeploymentView }) {
  const router = useRouter();
  const [dep, setDep] = useState(initial);
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  const canOperate = useCan("operator");
  const [actionError, setActionError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const reload = useCallback(async () => {
    const res = await apiCall<TDeploymentView>(`/api/deployments/${initial.id}`, { method: "GET" });
    if (res.ok) setDep(res.body);
  }, [initial.id]);

  const active = isActiveDeployment(dep.status);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      void reload();
    }, 1500);
    return () => clearInterval(timer);
  }, [active, reload]);

  const act = async (action: "cancel" | "retry" | "redeploy" | "rollback") => {
    setBusy(action);
    setActionError(null);
    const res = await apiCall<{ id: string }>(`/api/deployments/${dep.id}/${action}`, { method: "POST" });
    setBusy(null);
    if (!res.ok) {
      setActionError(res.error);
      return;
    }
    if (action === "redeploy" || action === "rollback") {
      router.push(`/deployments/${res.body.id}`);
      return;
    }
    if (action === "retry") setGeneration((g) => g + 1);
    await reload();
  };

  const sanity = dep.result?.sanity;
  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-center gap-3">
        <DeploymentStatusBadge status={dep.status} />
        {dep.stage && active && (
          <span className="text-sm text-slate-600" data-testid="current-stage">
            {STAGES.find((s) => s.name === dep.stage)?.title ?? dep.stage}
          </span>
        )}
        <div className="ml-auto flex gap-2">
          {canOperate && active && (
            <button
              type="button"
              className={buttonClass.dangerOutline}
              disabled={busy !== null || dep.cancelRequested}
              onClick={() => void act("cancel")}
            >
              {dep.cancelRequested ? "Cancelling…" : "Cancel"}
            </button>
          )}
          {canOperate &&
            (dep.status === "failed" || dep.status === "blocked" || dep.status === "cancelled") && (
              <button
                type="button"
                className={buttonClass.primary}
                disabled={busy !== null}
                onClick={() => void act("retry")}
              >
                Retry
              </button>
            )}
          {canOperate && !active && (
            <button
              type="button"
              className={buttonClass.secondary}
              disabled={busy !== null}
              onClick={() => void act("redeploy")}
              title="Deploy the same configuration again into the same folder; stages already in place are skipped"
            >
              Redeploy
            </button>
          )}
          {canOperate && !active && (
            <button
              type="button"
              className={buttonClass.secondary}
              disabled={busy !== null}
              onClick={() => void act("rollback")}
              title="Deploy the last earlier configuration of this model on this host that reached running"
            >
              Roll back
            </button>
          )}
          {canOperate && !active && (
            <Link
              href={`/deployments/${dep.id}/playground`}
              className={buttonClass.secondary}
              data-testid="open-playground"
              title="Chat with the model and run load tests; the newest passing load test is the acceptance record"
            >
              Playground
            </Link>
          )}
        </div>
      </div>
      {actionError && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {actionError}
        </p>
      )}
      {dep.queue && (
        <p className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700" data-testid="queue-position">
          Waiting in line for {dep.host.name}: position {dep.queue.position}
          {dep.queue.deployingId ? (
            <>
              {" "}
              behind{" "}
              <Link href={`/deployments/${dep.queue.deployingId}`} className="text-sky-700 hover:underline">
                the deployment running there now
              </Link>
            </>
          ) : (
            ", next to start"
          )}
          . One deployment at a time changes a host.
        </p>
      )}
      {dep.error &&
        (dep.status === "failed" ||
          dep.status === "blocked" ||
          dep.status === "cancelled" ||
          dep.status === "stopped") && (
          <p
            role="alert"
            data-testid="deployment-error"
            className={`rounded-md px-3 py-2 text-sm ${dep.status === "blocked" ? "bg-amber-50 text-amber-900" : dep.status === "cancelled" || dep.status === "stopped" ? "bg-slate-100 text-slate-700" : "bg-rose-50 text-rose-800"}`}
          >
            {dep.error}
            {dep.status === "blocked" && " — see the log for the exact commands, then press Retry."}
          </p>
        )}
      {sanity && (
        <section
          className="rounded-lg border border-emerald-200 bg-emerald-50 p-4"
          data-testid="sanity-answer"
        >
          <h2 className="text-sm font-semibold text-emerald-900">Sanity request answered</h2>
          <p className="mt-1 text-sm text-emerald-900">
            {sanity.model} replied: <q className="font-mono">{sanity.answer}</q>
            {sanity.tokens !== null && <span className="text-emerald-700"> ({sanity.tokens} tokens)</span>}
          </p>
          {dep.result?.endpoint && (
            <p className="mt-1 text-xs text-emerald-800">
              OpenAI-compatible endpoint on the host: <code>{dep.result.endpoint}</code>
              {dep.secrets.apiKey ? " (API key required on /v1)" : ""}
            </p>
          )}
        </section>
      )}
      <LifecycleActions deploymentId={dep.id} hostId={dep.host.id} status={dep.status} />
      {(dep.status === "running" || dep.status === "stopped") && (
        <MetricsPanel deploymentId={dep.id} deploymentStatus={dep.status} />
      )}
      <section aria-label="Stages">
        <h2 className="mb-2 text-sm font-semibold text-slate-700">Stages</h2>
        <div className="mb-2">
          <StageTimeline stages={dep.stages} now={now} />
        </div>
        <ol
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white"
          data-testid="stages"
        >
          {dep.stages.map((stage) => {
            const ms = durationBetween(stage.startedAt, stage.finishedAt, now);
            return (
              <li
                key={stage.name}
                className="flex items-start gap-3 px-3 py-2 text-sm"
                data-stage={stage.name}
                data-status={stage.status}
              >
                <StageMark status={stage.status} />
                <div className="min-w-0 flex-1">
                  <div className="flex gap-2">
                    <span className={stage.status === "pending" ? "text-slate-400" : "text-slate-800"}>
                      {stage.title}
                    </span>
                    <span className="text-xs text-slate-400">{stage.status}</span>
                  </div>
                  {stage.detail && <p className="text-xs text-slate-500">{stage.detail}</p>}
                </div>
                <span className="tabular-nums text-xs text-slate-500">
                  {ms !== null ? formatDuration(ms) : ""}
                </span>
              </li>
            );
          })}
        </ol>
      </section>
      <section aria-label="Log">
        <h2 className="mb-2 text-sm font-semibold text-slate-700">Log</h2>
        <LogViewer
          operationId={dep.operationId}
          initialStatus={OPERATION_STATUS[initial.status]}
          initialError={initial.error}
          stages={STAGES}
          generation={generation}
          onStatus={() => void reload()}
        />
      </section>
      <section aria-label="Configuration">
        <h2 className="mb-2 text-sm font-semibold text-slate-700">Configuration</h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded-lg border border-slate-200 bg-white p-3 text-sm">
          <dt className="text-slate-500">Host</dt>
          <dd>
            <Link href={`/hosts/${dep.host.id}`} className="text-sky-700 hover:underline">
              {dep.host.name}
            </Link>{" "}
            <span className="text-slate-500">({dep.host.address})</span>
          </dd>
          <dt className="text-slate-500">Folder on the host</dt>
          <dd className="font-mono text-xs">deployments/{dep.dirId}</dd>
          <dt className="text-slate-500">Secrets</dt>
          <dd>
            API key {dep.secrets.apiKey ? "set" : "not set"} · Hugging Face token{" "}
            {dep.secrets.hfToken ? "set" : "not set"}
          </dd>
          <dt className="text-slate-500">Queued</dt>
          <dd>
            <RelativeTime iso={dep.createdAt} />
            {dep.createdBy ? ` by ${dep.createdBy}` : ""}
            {dep.redeployOfId && (
              <>
                {" "}
                · redeploy of{" "}
                <Link href={`/deployments/${dep.redeployOfId}`} className="text-sky-700 hover:underline">
                  an earlier deployment
                </Link>{" "}
                (
                <Link
                  href={`/deployments/compare?a=${dep.redeployOfId}&b=${dep.id}`}
                  className="text-sky-700 hover:underline"
                >
                  compare
                </Link>
                )
              </>
            )}
          </dd>
        </dl>
        <div className="mt-2">
          <ConfigSnapshot spec={dep.spec} secrets={dep.secrets} />
        </div>
        <details className="mt-2">
          <summary className="cursor-pointer text-xs text-slate-500">As JSON (secrets left out)</summary>
          <pre className="mt-1 max-h-80 overflow-auto rounded-lg bg-slate-50 p-3 text-xs" data-testid="spec">
            {JSON.stringify(dep.spec, null, 2)}
          </pre>
        </details>
      </section>
      <section aria-label="Exports">
        <h2 className="mb-2 text-sm font-semibold text-slate-700">Export this configuration</h2>
        <ExportsPanel deploymentId={dep.id} />
      </section>
    </div>
  );
}
