import { db } from "../db";
import { AppError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { PIPELINE } from "./pipeline";
import type { TDeploymentSpec } from "./schema";
import type { TDeploymentView } from "./view";

const WITH_PARTS = {
  host: { select: { id: true, name: true, address: true } },
  stages: { orderBy: { position: "asc" } },
} as const satisfies Prisma.DeploymentInclude;

type TRow = Prisma.DeploymentGetPayload<{ include: typeof WITH_PARTS }>;

function toView(row: TRow, queue: TDeploymentView["queue"]): TDeploymentView {
  const titles = new Map<string, string>(PIPELINE.map((s) => [s.name, s.title]));
  return {
    id: row.id,
    operationId: row.operationId,
    status: row.status,
    stage: row.stage,
    error: row.error,
    host: row.host,
    modelName: row.modelName,
    installMethod: row.installMethod,
    spec: row.spec as unknown as TDeploymentSpec,
    secrets: { apiKey: row.apiKeySealed !== null, hfToken: row.hfTokenSealed !== null },
    dirId: row.dirId,
    redeployOfId: row.redeployOfId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    cancelRequested: row.cancelRequestedAt !== null,
    result: (row.result as TDeploymentView["result"]) ?? null,
    stages: row.stages.map((s) => ({
      name: s.name,
      title: titles.get(s.name) ?? s.name,
      status: s.status,
      startedAt: s.startedAt?.toISOString() ?? null,
      finishedAt: s.finishedAt?.toISOString() ?? null,
      detail: s.detail,
    })),
    queue,
  };
}

/** A queued deployment's place in its host's line: older queued ones ahead of it, plus the one deploying. */
async function queuePlace(row: TRow): Promise<TDeploymentView["queue"]> {
  if (row.status !== "queued") return null;
  const [ahead, deploying] = await Promise.all([
    db().deployment.count({
      where: {
        hostId: row.hostId,
        status: "queued",
        OR: [{ createdAt: { lt: row.createdAt } }, { createdAt: row.createdAt, id: { lt: row.id } }],
      },
    }),
    db().deployment.findFirst({ where: { hostId: row.hostId, status: "deploying" }, select: { id: true } }),
  ]);
  return { position: ahead + 1, deployingId: deploying?.id ?? null };
}

export async function getDeployment(id: string): Promise<TDeploymentView> {
  const row = await db().deployment.findUnique({ where: { id }, include: WITH_PARTS });
  if (!row) throw new AppError("not_found", "No such deployment");
  return toView(row, await queuePlace(row));
}
