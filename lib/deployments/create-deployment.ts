import { createHash } from "node:crypto";
import { z } from "zod";
import { db } from "../db";
import { AppError, validationError } from "../errors";
import { newRecordId } from "../ids";
import { queueOperation } from "../operations/queue-operation";
import { pgPool } from "../pg-pool";
import { PIPELINE } from "./pipeline";
import { type TDeploymentSpec, ZDeploymentSpec } from "./schema";
import { sealDeploymentSecret, withoutSecrets } from "./secrets";

export const ZCreateDeploymentBody = z.object({
  spec: z.unknown(),
  /** Deploy although the fit check failed (the operator ticked "Deploy anyway"). */
  force: z.boolean().default(false),
});

const INSERT_DEPLOYMENT = `
  WITH op AS (
    INSERT INTO "Operation" (id, kind, "hostId", params, "createdBy", "createdAt")
    VALUES ($1, 'deploy', $2, $3::jsonb, $4, now() AT TIME ZONE 'UTC')
    RETURNING id, "createdAt"
  ), dep AS (
    INSERT INTO "Deployment" (id, "hostId", "operationId", spec, "specHash", "modelName", "installMethod",
      "apiKeySealed", "hfTokenSealed", "dirId", "redeployOfId", "createdBy", "createdAt")
    SELECT $5, $2, op.id, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $4, op."createdAt" FROM op
    RETURNING id
  )
  INSERT INTO "DeploymentStage" ("deploymentId", name, position)
  SELECT dep.id, stage.name, stage.n - 1 FROM dep, unnest($14::text[]) WITH ORDINALITY AS stage(name, n)`;

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
  const ids = { operation: newRecordId(), deployment: newRecordId() };
  const redeployOf = opts.redeployOf;
  // One statement, so one round trip and atomic on its own: the operation, the deployment (its
  // spec without secrets, the secrets sealed to its id) and a row per stage. Times are UTC, as
  // Prisma stores them.
  await pgPool().query(INSERT_DEPLOYMENT, [
    ids.operation,
    host.id,
    JSON.stringify({ force: opts.force ?? false }),
    opts.createdBy ?? null,
    ids.deployment,
    JSON.stringify(withoutSecrets(spec)),
    specHash(spec),
    spec.servedModelName,
    spec.install.method,
    spec.serve.apiKey ? sealDeploymentSecret(ids.deployment, "apiKey", spec.serve.apiKey) : null,
    spec.hfToken ? sealDeploymentSecret(ids.deployment, "hfToken", spec.hfToken) : null,
    redeployOf?.dirId ?? ids.deployment,
    redeployOf?.id ?? null,
    PIPELINE.map((stage) => stage.name),
  ]);
  const created = { id: ids.deployment, operationId: ids.operation };
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
