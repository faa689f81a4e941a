"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { useCan } from "@/components/auth/actor-context";
import { LiveLog } from "@/components/operations/live-log";
import { apiCall } from "@/components/ui/api-call";
import { buttonClass } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TDeploymentActionView } from "@/lib/deployments/lifecycle";
import type { TLifecycleAction } from "@/lib/deployments/lifecycle-rules";
import type { TOperationStatus } from "@/lib/logs/line";

const LABEL: Record<TLifecycleAction, string> = {
  stop: "Stop",
  start: "Start",
  restart: "Restart",
  undeploy: "Undeploy",
};

const EXPLAIN: Record<TLifecycleAction, string> = {
  stop: "Stops vLLM on the host. Clients get no answers until you start it again.",
  start: "Starts vLLM again with the same settings and waits for /health.",
  restart: "Stops vLLM, starts it again and waits for /health. Requests in flight are dropped.",
  undeploy: "Stops vLLM and removes its service from the host. Optionally frees the disk it used.",
};

/** Which buttons a status offers; the server decides for good (409 with the reason). */
function offered(status: string): TLifecycleAction[] {
  if (status === "running") return ["stop", "restart", "undeploy"];
  if (status === "stopped") return ["start", "undeploy"];
  if (status === "failed" || status === "cancelled") return ["undeploy"];
  return [];
}

const ENDED: readonly TOperationStatus[] = ["succeeded", "failed", "cancelled", "blocked"];

/** Stop, start, restart and undeploy, each confirmed first, with the running action's live log and the history. */
export function LifecycleActions({
  deploymentId,
  hostId,
  status,
}: {
  deploymentId: string;
  hostId: string;
  status: string;
}) {
  const router = useRouter();
  const [actions, setActions] = useState<TDeploymentActionView[]>([]);
  const [confirming, setConfirming] = useState<TLifecycleAction | null>(null);
  const [removeEnvironment, setRemoveEnvironment] = useState(false);
  const [removeModelCache, setRemoveModelCache] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shownLog, setShownLog] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await apiCall<{ actions: TDeploymentActionView[] }>(
      `/api/deployments/${deploymentId}/actions`,
      {
        method: "GET",
      },
    );
    if (res.ok) {
      setActions(res.body.actions);
      const live = res.body.actions.find((a) => a.status === "queued" || a.status === "running");
      if (live) setShownLog(live.operationId);
    }
  }, [deploymentId]);

  useEffect(() => {
    void load();
  }, [load]);

  const running = actions.find((a) => a.status === "queued" || a.status === "running");

  async function submit(action: TLifecycleAction) {
    setBusy(true);
    setError(null);
    const res = await apiCall<{ operationId: string }>(`/api/deployments/${deploymentId}/${action}`, {
      method: "POST",
      body: action === "undeploy" ? { removeEnvironment, removeModelCache } : {},
    });
    setBusy(false);
    if (!res.ok) {
      setError(res.error);
      return;
    }
    setConfirming(null);
    setShownLog(res.body.operationId);
    await load();
  }

  const onStatus = (s: TOperationStatus) => {
    if (ENDED.includes(s)) {
      void load();
      router.refresh();
    }
  };

  const shown = actions.find((a) => a.operationId === shownLog);
  const canOperate = useCan("operator");
  const buttons = canOperate ? offered(status) : [];

  return (
    <section
      aria-label="Service"
      className="rounded-lg border border-slate-200 bg-white p-4"
      data-testid="lifecycle"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="mr-auto text-sm font-semibold text-slate-700">Service</h2>
        {buttons.map((action) => (
          <button
            key={action}
            type="button"
            className={
              action === "undeploy" || action === "stop" ? buttonClass.dangerOutline : buttonClass.secondary
            }
            disabled={busy || running !== undefined}
            onClick={() => {
              setConfirming(action);
              setError(null);
            }}
            data-testid={`lifecycle-${action}`}
          >
            {LABEL[action]}
          </button>
        ))}
        {buttons.length === 0 && (
          <p className="text-sm text-slate-500">No actions while the deployment is {status}.</p>
        )}
      </div>

      {confirming && (
        <div
          className="mt-3 rounded-md border border-amber-200 bg-amber-50 p-3"
          data-testid="lifecycle-confirm"
        >
          <p className="text-sm text-amber-900">
            <strong>{LABEL[confirming]} this deployment?</strong> {EXPLAIN[confirming]}
          </p>
          {confirming === "undeploy" && (
            <div className="mt-2 space-y-1 text-sm text-amber-900">
              <label className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={removeEnvironment}
                  onChange={(e) => setRemoveEnvironment(e.target.checked)}
                  data-testid="undeploy-remove-environment"
                />
                Remove its environment (the Python virtualenv or source build)
              </label>
              <label className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={removeModelCache}
                  onChange={(e) => setRemoveModelCache(e.target.checked)}
                  data-testid="undeploy-remove-model-cache"
                />
                Remove its model cache (downloaded weights)
              </label>
              {removeEnvironment && removeModelCache && (
                <p className="text-xs">Both together remove the deployment's whole folder from the host.</p>
              )}
            </div>
          )}
          <div className="mt-3 flex gap-2">
            <button
              type="button"
              className={
                confirming === "start" || confirming === "restart" ? buttonClass.primary : buttonClass.danger
              }
              disabled={busy}
              onClick={() => void submit(confirming)}
              data-testid="lifecycle-confirm-button"
            >
              {busy ? "Queueing…" : `Yes, ${LABEL[confirming].toLowerCase()}`}
            </button>
            <button type="button" className={buttonClass.secondary} onClick={() => setConfirming(null)}>
              Keep it as it is
            </button>
          </div>
        </div>
      )}

      {error && (
        <p
          className="mt-3 rounded-md bg-rose-50 p-2 text-sm text-rose-800"
          role="alert"
          data-testid="lifecycle-error"
        >
          {error}
        </p>
      )}

      {shown && (
        <div className="mt-3" data-testid="lifecycle-log">
          <p className="mb-1 text-xs text-slate-500">
            {LABEL[shown.action]} · started <RelativeTime iso={shown.createdAt} />
          </p>
          <LiveLog
            key={shown.operationId}
            operationId={shown.operationId}
            hostId={hostId}
            initialStatus={shown.status as TOperationStatus}
            initialError={shown.error}
            onStatus={onStatus}
          />
        </div>
      )}

      {actions.length > 0 && (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer text-slate-600">History ({actions.length})</summary>
          <ul className="mt-2 divide-y divide-slate-100" data-testid="lifecycle-history">
            {actions.map((a) => (
              <li key={a.id} className="flex items-center gap-3 py-1.5">
                <span className="w-20 font-medium">{LABEL[a.action]}</span>
                <span className="w-24 text-slate-600">{a.status}</span>
                <span className="text-slate-500">
                  <RelativeTime iso={a.createdAt} />
                </span>
                {a.error && <span className="truncate text-rose-700">{a.error}</span>}
                <button
                  type="button"
                  className="ml-auto text-sky-700 hover:underline"
                  onClick={() => setShownLog(a.operationId)}
                >
                  Log
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
