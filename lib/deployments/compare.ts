import { z } from "zod";
import { db } from "../db";
import { AppError, validationError } from "../errors";
import { configFields, diffConfigs, type TFieldDiff } from "./config-fields";
import type { TDeploymentSpec } from "./schema";
import { unsealDeploymentSecret } from "./secrets";
import type { TDeploymentStatus } from "./view";

export const ZCompareQuery = z.object({
  a: z.string().trim().min(1, "name the first deployment").max(100),
  b: z.string().trim().min(1, "name the second deployment").max(100),
});

export interface TCompareSide {
  id: string;
  status: TDeploymentStatus;
  modelName: string;
  host: { id: string; name: string };
  createdAt: string;
  createdBy: string | null;
}

export interface TComparison {
  a: TCompareSide;
  b: TCompareSide;
  fields: TFieldDiff[];
  /** The paths of the changed fields, in display order. */
  changed: string[];
}

export function parseCompareParams(params: URLSearchParams): { a: string; b: string } {
  const parsed = ZCompareQuery.safeParse({ a: params.get("a") ?? "", b: params.get("b") ?? "" });
  if (!parsed.success) throw validationError(parsed.error.issues, "Choose two deployments to compare");
  return parsed.data;
}

async function load(id: string) {
  const row = await db().deployment.findUnique({
    where: { id },
    include: { host: { select: { id: true, name: true } } },
  });
  if (!row) throw new AppError("not_found", `No deployment ${id}; it may have been deleted with its host`);
  return row;
}

type TRow = Awaited<ReturnType<typeof load>>;

/** Secret fields set on both sides whose values differ; compared here, never returned. */
function changedSecrets(a: TRow, b: TRow): Set<string> {
  const changed = new Set<string>();
  const pairs = [
    ["serve.apiKey", "apiKey", a.apiKeySealed, b.apiKeySealed],
    ["hfToken", "hfToken", a.hfTokenSealed, b.hfTokenSealed],
  ] as const;
  for (const [path, field, sa, sb] of pairs) {
    if (sa && sb && unsealDeploymentSecret(a.id, field, sa) !== unsealDeploymentSecret(b.id, field, sb))
      changed.add(path);
  }
  return changed;
}

function side(row: TRow): TCompareSide {
  return {
    id: row.id,
    status: row.status,
    modelName: row.modelName,
    host: row.host,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
  };
}

function fieldsOf(row: TRow) {
  const fields = configFields(row.spec as unknown as TDeploymentSpec, {
    apiKey: row.apiKeySealed !== null,
    hfToken: row.hfTokenSealed !== null,
  });
  // The host by name, not id: ids mean nothing to the reader.
  return [{ path: "host", label: "Host", group: "Model" as const, value: row.host.name }, ...fields];
}

/** Two deployments' configurations side by side, each field marked changed or not. Secrets as set/not set. */
export async function compareDeployments(aId: string, bId: string): Promise<TComparison> {
  const [a, b] = await Promise.all([load(aId), load(bId)]);
  const fields = diffConfigs(fieldsOf(a), fieldsOf(b), changedSecrets(a, b));
  return { a: side(a), b: side(b), fields, changed: fields.filter((f) => f.changed).map((f) => f.path) };
}
