import { AppError } from "../errors";
import { isoText as iso, pgPool } from "../pg-pool";
import { PIPELINE } from "./pipeline";
import type { TDeploymentView, TStageView } from "./view";

/**
 * The deployment, its host's name and address, its stages in pipeline order and, while it is
 * queued, its place in its host's line: one statement through `pg`. Every page and the API's
 * deployment detail read it, so it skips the ORM's per-query planning (most of a request's CPU).
 */
const DEPLOYMENT_VIEW = `
  SELECT d.id, d."operationId", d.status, d.stage, d.error, d."modelName", d."installMethod",
    d.spec, d."apiKeySealed" IS NOT NULL AS "hasApiKey", d."hfTokenSealed" IS NOT NULL AS "hasHfToken",
    d."dirId", d."redeployOfId", d."createdBy", ${iso('d."createdAt"')} AS "createdAt",
    ${iso('d."startedAt"')} AS "startedAt", ${iso('d."finishedAt"')} AS "finishedAt",
    d."cancelRequestedAt" IS NOT NULL AS "cancelRequested", d.result,
    h.id AS "hostId", h.name AS "hostName", h.address AS "hostAddress",
    COALESCE((
      SELECT json_agg(json_build_object(
        'name', s.name, 'status', s.status, 'startedAt', ${iso('s."startedAt"')},
        'finishedAt', ${iso('s."finishedAt"')}, 'detail', s.detail
      ) ORDER BY s.position)
      FROM "DeploymentStage" s WHERE s."deploymentId" = d.id
    ), '[]'::json) AS stages,
    CASE WHEN d.status = 'queued' THEN (
      SELECT count(*)::int FROM "Deployment" o
      WHERE o."hostId" = d."hostId" AND o.status = 'queued'
        AND (o."createdAt" < d."createdAt" OR (o."createdAt" = d."createdAt" AND o.id < d.id))
    ) END AS "queuedAhead",
    CASE WHEN d.status = 'queued' THEN (
      SELECT o.id FROM "Deployment" o WHERE o."hostId" = d."hostId" AND o.status = 'deploying'
      ORDER BY o."startedAt" LIMIT 1
    ) END AS "deployingId"
  FROM "Deployment" d JOIN "Host" h ON h.id = d."hostId"
  WHERE d.id = $1`;

/** The statement's row: the view's own fields, and what it builds host, secrets, stages and queue from. */
interface TViewRow extends Omit<TDeploymentView, "host" | "secrets" | "stages" | "queue"> {
  hasApiKey: boolean;
  hasHfToken: boolean;
  hostId: string;
  hostName: string;
  hostAddress: string;
  stages: Omit<TStageView, "title">[];
  queuedAhead: number | null;
  deployingId: string | null;
}

const TITLES = new Map<string, string>(PIPELINE.map((s) => [s.name, s.title]));

function toView(row: TViewRow): TDeploymentView {
  return {
    id: row.id,
    operationId: row.operationId,
    status: row.status,
    stage: row.stage,
    error: row.error,
    host: { id: row.hostId, name: row.hostName, address: row.hostAddress },
    modelName: row.modelName,
    installMethod: row.installMethod,
    spec: row.spec,
    secrets: { apiKey: row.hasApiKey, hfToken: row.hasHfToken },
    dirId: row.dirId,
    redeployOfId: row.redeployOfId,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    cancelRequested: row.cancelRequested,
    result: row.result ?? null,
    stages: row.stages.map((s) => ({
      name: s.name,
      title: TITLES.get(s.name) ?? s.name,
      status: s.status,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      detail: s.detail,
    })),
    // A queued deployment's place in its host's line: older queued ones ahead of it, plus what deploys there.
    queue:
      row.status === "queued"
        ? { position: (row.queuedAhead ?? 0) + 1, deployingId: row.deployingId ?? null }
        : null,
  };
}

export async function getDeployment(id: string): Promise<TDeploymentView> {
  const { rows } = await pgPool().query<TViewRow>(DEPLOYMENT_VIEW, [id]);
  const row = rows[0];
  if (!row) throw new AppError("not_found", "No such deployment");
  return toView(row);
}
