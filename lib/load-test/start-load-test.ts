import { db } from "../db";
import type { TDeploymentSpec } from "../deployments/schema";
import { AppError } from "../errors";
import { queueOperation } from "../operations/queue-operation";
import type { TLoadTestRequest } from "./schema";

/**
 * Records a load test of a running deployment and queues it for a worker; the browser follows the
 * returned operation's log. 409 when the deployment is not running or a load test of it is unfinished.
 */
export async function startLoadTest(
  deploymentId: string,
  input: TLoadTestRequest,
  createdBy: string | null = null,
): Promise<{ id: string; operationId: string }> {
  const dep = await db().deployment.findUnique({
    where: { id: deploymentId },
    select: { id: true, hostId: true, status: true, spec: true },
  });
  if (!dep) throw new AppError("not_found", "No such deployment");
  if (dep.status !== "running")
    throw new AppError(
      "conflict",
      `This deployment is ${dep.status}; only a running deployment can be load tested`,
    );
  const maxModelLen = (dep.spec as unknown as TDeploymentSpec).serve.maxModelLen;
  if (maxModelLen && input.promptWords + input.maxTokens > maxModelLen)
    throw new AppError(
      "validation",
      `A prompt of ${input.promptWords} words plus ${input.maxTokens} output tokens does not fit the deployment's max model length (${maxModelLen} tokens); lower the prompt size or max tokens`,
      {
        promptWords: `At most ${Math.max(1, maxModelLen - input.maxTokens)} words with ${input.maxTokens} output tokens`,
      },
    );
  const unfinished = await db().loadTest.findFirst({
    where: { deploymentId, operation: { status: { in: ["queued", "running"] } } },
    select: { id: true },
  });
  if (unfinished)
    throw new AppError("conflict", "A load test of this deployment is still running; wait for it to finish");
  const created = await db().$transaction(async (tx) => {
    const op = await tx.operation.create({
      data: { kind: "load_test", hostId: dep.hostId, params: { deploymentId, ...input }, createdBy },
      select: { id: true },
    });
    return tx.loadTest.create({
      data: { deploymentId, operationId: op.id, ...input, createdBy },
      select: { id: true, operationId: true },
    });
  });
  await queueOperation("load-test", created.operationId, { what: "load test" });
  return created;
}
