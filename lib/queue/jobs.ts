import { z } from "zod";

/** The one queue the workers consume; job names select the handler. */
export const OPERATIONS_QUEUE = "webops-operations";

/**
 * Every job WebOps runs, with its payload schema. Payloads carry ids only, never secrets or whole
 * records: the worker reloads the rest and re-validates the payload.
 */
export const jobSchemas = {
  "host-check": z.object({ operationId: z.string().min(1).max(64) }),
  prerequisites: z.object({ operationId: z.string().min(1).max(64) }),
  deploy: z.object({ operationId: z.string().min(1).max(64) }),
  "load-test": z.object({ operationId: z.string().min(1).max(64) }),
  /** Stop, start, restart or undeploy of a deployment; the operation's kind says which. */
  "deployment-action": z.object({ operationId: z.string().min(1).max(64) }),
} as const;

/**
 * The health monitor's sweeps and probes run on a queue of their own, so that probing many running
 * deployments never takes a slot a deployment is waiting for (and the reverse).
 */
export const MONITOR_QUEUE = "webops-monitor";

/**
 * The health monitor's jobs: not operations (no operation row, no log). A job scheduler adds the
 * sweep once per interval; the sweep adds one probe per running deployment (lib/monitor).
 */
export const MONITOR_JOBS = { sweep: "health-sweep", probe: "health-probe" } as const;
export const monitorJobSchemas = {
  [MONITOR_JOBS.sweep]: z.object({}),
  [MONITOR_JOBS.probe]: z.object({ deploymentId: z.string().min(1).max(64) }),
} as const;
export type TMonitorJobName = keyof typeof monitorJobSchemas;

export function isMonitorJobName(name: string): name is TMonitorJobName {
  return Object.hasOwn(monitorJobSchemas, name);
}

export type TJobName = keyof typeof jobSchemas;
export type TJobPayload<N extends TJobName> = z.infer<(typeof jobSchemas)[N]>;

export function isJobName(name: string): name is TJobName {
  return Object.hasOwn(jobSchemas, name);
}
