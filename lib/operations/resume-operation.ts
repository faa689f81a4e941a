import { db } from "../db";
import { AppError } from "../errors";
import type { TJobName } from "../queue/jobs";
import { queueOperation } from "./queue-operation";
import type { TOperationKind } from "./schema";

const JOB_OF: Record<TOperationKind, TJobName> = {
  host_check: "host-check",
  prerequisites: "prerequisites",
  deploy: "deploy",
  load_test: "load-test",
  deployment_stop: "deployment-action",
  deployment_start: "deployment-action",
  deployment_restart: "deployment-action",
  deployment_undeploy: "deployment-action",
};

import { transition } from "./state";

/** Re-check: a blocked run goes back to the queue and carries on where it stopped, on the same log. */
export async function resumeOperation(operationId: string): Promise<{ operationId: string }> {
  const op = await db().operation.findUnique({
    where: { id: operationId },
    select: { status: true, kind: true },
  });
  if (!op) throw new AppError("not_found", "No such operation");
  if (op.status !== "blocked")
    throw new AppError("conflict", `This run is ${op.status}, not blocked: nothing to re-check`);
  if (!(await transition(db(), operationId, "blocked", "queued"))) {
    throw new AppError("conflict", "This run was resumed already");
  }
  await queueOperation(JOB_OF[op.kind], operationId, { attempt: Date.now() });
  return { operationId };
}
