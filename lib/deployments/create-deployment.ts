import { createHash } from "node:crypto";
import { z } from "zod";
import { db } from "../db";
import { AppError, validationError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { queueOperation } from "../operations/queue-operation";
import { PIPELINE } from "./pipeline";
import { type TDeploymentSpec, ZDeploymentSpec } from "./schema";
import { sealDeploymentSecret, withoutSecrets } from "./secrets";

export const ZCreateDeploymentBody = z.object({
  spec: z.unknown(),
  /** Deploy although the fit check failed (the operator ticked "Deploy anyway"). */
  force: z.boolean().default(false),
});

/** Hash of the whole configuration, secrets included (only as part of the hash). */
export function specHash(spec: TDeploymentSpec): string {
  return createHash("sha256").update(JSON.stringify(spec)).digest("hex");
}

/** The spec the body asks for, validated with the wizard's own schema. */
export function parseSpec(raw: unknown): TDeploymentSpec {
  const parsed = ZDeploymentSpec.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error.issues, "The deployment settings need attention");
  return parsed.data;
}

interface TCreateOptions {
  force?: boolean;
  createdBy?: string | null;
  /** A redeploy: same folder on the host as the deployment it repeats. */
  redeployOf?: { id: string; dirId: string };
}

/**
 * Records a deployment (its spec without secrets, the secrets sealed, one row per stage) with the
 * operation that carries its job and log, and queues it. The host must exist and be enabled.
 */
export async function createDeployment(
  spec: TDeploymentSpec,
  opts: TCreateOptions = {},
): Promise<{ id: string; operationId: string }> {
  const host = await db().host.findUnique({
    where: { id: spec.hostId },
    select: { id: true, name: true, disabled: true },
  });
  if (!host) throw new AppError("validation", "No such host", { hostId: "Choose a host from the list" });
  if (host.disabled)
    throw new AppError("conflict", `${host.name} is disabled; enable it before deploying to it`, {
      hostId: `${host.name} is disabled`,
    });
  const created = await db().$transaction(async (tx) => {
    const operation = await tx.operation.create({
      data: {
        kind: "deploy",
        hostId: host.id,
        params: { force: opts.force ?? false },
        createdBy: opts.createdBy ?? null,
      },
    });
    const deployment = await tx.deployment.create({
      data: {
        hostId: host.id,
        operationId: operation.id,
        spec: withoutSecrets(spec) as unknown as Prisma.InputJsonObject,
        specHash: specHash(spec),
        modelName: spec.servedModelName,
        installMethod: spec.install.method,
        dirId: opts.redeployOf?.dirId ?? "pending",
        redeployOfId: opts.redeployOf?.id ?? null,
        createdBy: opts.createdBy ?? null,
      },
    });
    const updated = await tx.deployment.update({
      where: { id: deployment.id },
      data: {
        dirId: opts.redeployOf?.dirId ?? deployment.id,
        apiKeySealed: spec.serve.apiKey
          ? sealDeploymentSecret(deployment.id, "apiKey", spec.serve.apiKey)
          : null,
        hfTokenSealed: spec.hfToken ? sealDeploymentSecret(deployment.id, "hfToken", spec.hfToken) : null,
      },
    });
    await tx.deploymentStage.createMany({
      data: PIPELINE.map((stage, position) => ({ deploymentId: deployment.id, name: stage.name, position })),
    });
    return updated;
  });
  try {
    await queueOperation("deploy", created.operationId, { what: "deployment" });
  } catch (err) {
    await db().deployment.update({
      where: { id: created.id },
      data: {
        status: "failed",
        error: "The job queue (Redis) is not reachable; the deployment was not queued.",
        finishedAt: new Date(),
      },
    });
    throw err;
  }
  return { id: created.id, operationId: created.operationId };
}
