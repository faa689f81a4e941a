import { z } from "zod";

/** The lifecycle actions of a deployment, each run as its own operation with its own log. */
export const LIFECYCLE_ACTIONS = ["stop", "start", "restart", "undeploy"] as const;
export type TLifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

export const OPERATION_KIND_OF = {
  stop: "deployment_stop",
  start: "deployment_start",
  restart: "deployment_restart",
  undeploy: "deployment_undeploy",
} as const satisfies Record<TLifecycleAction, string>;

export type TLifecycleOperationKind = (typeof OPERATION_KIND_OF)[TLifecycleAction];

export function actionOfKind(kind: string): TLifecycleAction | null {
  const found = LIFECYCLE_ACTIONS.find((a) => OPERATION_KIND_OF[a] === kind);
  return found ?? null;
}

/** Undeploy's body: what to remove besides stopping the service. */
export const ZUndeployOptionsSchema = z
  .object({
    /** The Python environment (venv, source checkout): a later deployment installs it again. */
    removeEnvironment: z.boolean().default(false),
    /** The model files downloaded into the folder's hf-cache: a later deployment downloads them again. */
    removeModelCache: z.boolean().default(false),
  })
  .strict();

export type TUndeployOptions = z.output<typeof ZUndeployOptionsSchema>;

/** What the rules need to know about a deployment and its folder. */
export interface TLifecycleSubject {
  status: string;
  /** Another deployment of the same folder on the host is queued, deploying or running. */
  folderTakenBy: string | null;
  /** Undeployed with its environment removed: only a new deployment can bring it back. */
  environmentRemoved: boolean;
}

/**
 * Whether an action fits the deployment's state; null when it does, else the operator-facing reason.
 * Running: stop, restart, undeploy. Stopped (and still owning its folder): start, restart, undeploy.
 * Failed or cancelled: undeploy, to clean up what the pipeline left.
 */
export function lifecycleRefusal(action: TLifecycleAction, s: TLifecycleSubject): string | null {
  if (s.status === "queued" || s.status === "deploying" || s.status === "blocked")
    return `This deployment is ${s.status}; cancel it or let it finish before you ${action} it`;
  if (s.folderTakenBy)
    return `Deployment ${s.folderTakenBy} now uses this deployment's folder on the host; act on that one instead`;
  switch (action) {
    case "stop":
      return s.status === "running" ? null : `This deployment is ${s.status}, not running: nothing to stop`;
    case "start":
    case "restart":
      if (s.status !== "running" && s.status !== "stopped")
        return `This deployment is ${s.status}; redeploy it instead (only a running or stopped one can be ${action}ed)`;
      if (action === "start" && s.status === "running") return "This deployment is running already";
      if (s.environmentRemoved)
        return "This deployment was undeployed and its environment removed; redeploy it instead";
      return null;
    case "undeploy":
      return null;
  }
}
