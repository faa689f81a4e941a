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
} as const;

export type TJobName = keyof typeof jobSchemas;
export type TJobPayload<N extends TJobName> = z.infer<(typeof jobSchemas)[N]>;

export function isJobName(name: string): name is TJobName {
  return Object.hasOwn(jobSchemas, name);
}
