import { db } from "../db";
import { AppError } from "../errors";
import { createDeployment } from "./create-deployment";
import type { TDeploymentSpec } from "./schema";
import { withSecrets } from "./secrets";

type TSealed = { id: string; spec: unknown; apiKeySealed: string | null; hfTokenSealed: string | null };

/** Key order left out (jsonb stores keys in its own order), secrets unsealed: two equal configurations read the same. */
function canonical(row: TSealed): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(
        Object.entries(value)
          .filter(([, v]) => v !== undefined)
          .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
          .map(([k, v]) => [k, sorted(v)]),
      );
    return value;
  };
  return JSON.stringify(sorted(withSecrets(row.id, row.spec as TDeploymentSpec, row)));
}

const PAGE = 100;

/**
 * The deployment a rollback from `id` returns to. Its lineage is the service the operator knows:
 * the same host serving the same model name. Of those created before this one, the most recent
 * whose configuration differs (secrets included) and which reached `running` (its `running` stage
 * succeeded, whatever became of it later). Null when there is none.
 */
export async function rollbackTarget(id: string) {
  const dep = await db().deployment.findUnique({ where: { id } });
  if (!dep) throw new AppError("not_found", "No such deployment");
  const mine = canonical(dep);
  let before = { createdAt: dep.createdAt, id: dep.id };
  for (;;) {
    const page = await db().deployment.findMany({
      where: {
        hostId: dep.hostId,
        modelName: dep.modelName,
        OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }],
        stages: { some: { name: "running", status: "succeeded" } },
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: PAGE,
    });
    const target = page.find((row) => canonical(row) !== mine);
    if (target) return { dep, target };
    const last = page.at(-1);
    if (!last || page.length < PAGE) return { dep, target: null };
    before = { createdAt: last.createdAt, id: last.id };
  }
}

/**
 * Rollback: a new deployment with the earlier configuration (its secrets re-sealed for the new id),
 * into that configuration's own folder on the host as a redeploy of it, so its runtime and model are
 * reused and the service in that folder is replaced in place. 409 when no earlier configuration of
 * this service reached `running`.
 */
export async function rollbackDeployment(
  id: string,
  createdBy: string | null = null,
): Promise<{ id: string; operationId: string; rollbackTo: string }> {
  const { dep, target } = await rollbackTarget(id);
  if (!target)
    throw new AppError(
      "conflict",
      `There is nothing to roll back to: no earlier deployment of ${dep.modelName} on this host with a different configuration reached running`,
    );
  const spec = withSecrets(target.id, target.spec as unknown as TDeploymentSpec, target);
  const created = await createDeployment(spec, {
    redeployOf: { id: target.id, dirId: target.dirId },
    createdBy,
  });
  return { ...created, rollbackTo: target.id };
}
