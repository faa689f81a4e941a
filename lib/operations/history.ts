import { z } from "zod";
import { db } from "../db";
import { encodeCursor, endOf, olderThan, startOf, ZCursorParam, ZDateParam } from "../deployments/history";
import { validationError } from "../errors";
import type { OperationKind, Prisma } from "../generated/prisma/client";
import { type TOperationStatus, ZOperationStatusSchema } from "../logs/line";
import {
  firstLogMatches,
  LOG_SEARCH_MAX,
  LOG_SEARCH_MIN,
  operationsWithLogMatch,
  type TLogMatch,
} from "../logs/search";

export const OPERATION_KINDS = [
  "host_check",
  "prerequisites",
  "deploy",
  "load_test",
  "deployment_stop",
  "deployment_start",
  "deployment_restart",
  "deployment_undeploy",
] as const satisfies readonly OperationKind[];

export const OPERATION_KIND_TITLES: Record<(typeof OPERATION_KINDS)[number], string> = {
  host_check: "Host check",
  prerequisites: "Prerequisites",
  deploy: "Deployment",
  load_test: "Load test",
  deployment_stop: "Stop",
  deployment_start: "Start",
  deployment_restart: "Restart",
  deployment_undeploy: "Undeploy",
};

/** Filters and page of the operations history (every kind of work on a host). */
export const ZOperationHistoryQuery = z
  .object({
    kind: z.array(z.enum(OPERATION_KINDS)).max(OPERATION_KINDS.length).optional(),
    status: z.array(ZOperationStatusSchema).max(6).optional(),
    host: z.string().min(1).max(100).optional(),
    user: z.string().min(1).max(200).optional(),
    from: ZDateParam.optional(),
    to: ZDateParam.optional(),
    q: z
      .string()
      .trim()
      .min(LOG_SEARCH_MIN, `must be at least ${LOG_SEARCH_MIN} characters`)
      .max(LOG_SEARCH_MAX, `must be at most ${LOG_SEARCH_MAX} characters`)
      .optional(),
    cursor: ZCursorParam.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .refine((q) => !q.from || !q.to || startOf(q.from) < endOf(q.to), {
    message: "`from` must not be after `to`",
    path: ["from"],
  });
export type TOperationHistoryQuery = z.infer<typeof ZOperationHistoryQuery>;

type TParams = URLSearchParams | Record<string, string | string[] | undefined>;

/** Query-string parameters (an API request's or a page's); `kind` and `status` may repeat or be comma-separated. */
export function parseOperationHistoryParams(params: TParams): TOperationHistoryQuery {
  const all = (name: string): string[] =>
    (params instanceof URLSearchParams ? params.getAll(name) : [params[name] ?? []].flat())
      .flatMap((v) => v.split(","))
      .filter((v) => v !== "");
  const one = (name: string): string | undefined =>
    (params instanceof URLSearchParams ? params.getAll(name) : [params[name] ?? []].flat()).find(
      (v) => v !== "",
    );
  const kind = all("kind");
  const status = all("status");
  const parsed = ZOperationHistoryQuery.safeParse({
    kind: kind.length > 0 ? kind : undefined,
    status: status.length > 0 ? status : undefined,
    host: one("host"),
    user: one("user"),
    from: one("from"),
    to: one("to"),
    q: one("q"),
    cursor: one("cursor"),
    limit: one("limit"),
  });
  if (!parsed.success)
    throw validationError(
      parsed.error.issues.map((i) => ({ ...i, path: i.path.slice(0, 1) })),
      "The operations filter is not valid",
    );
  return parsed.data;
}

export interface TOperationRow {
  id: string;
  kind: (typeof OPERATION_KINDS)[number];
  status: TOperationStatus;
  host: { id: string; name: string };
  /** The deployment it belongs to (its pipeline, an action or a load test). */
  deploymentId: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  lineCount: number;
  logMatch?: TLogMatch;
}

function whereOf(query: TOperationHistoryQuery, logHits: string[] | null): Prisma.OperationWhereInput {
  const and: Prisma.OperationWhereInput[] = [];
  if (logHits) and.push({ id: { in: logHits } });
  if (query.kind) and.push({ kind: { in: query.kind } });
  if (query.status) and.push({ status: { in: query.status } });
  if (query.host) and.push({ hostId: query.host });
  if (query.user) and.push({ createdBy: query.user });
  if (query.from) and.push({ createdAt: { gte: startOf(query.from) } });
  if (query.to) and.push({ createdAt: { lt: endOf(query.to) } });
  if (query.cursor) and.push(...olderThan(query.cursor));
  return { AND: and };
}

/** Newest first, keyset-paginated on (createdAt, id), with the first matching line for a log search. */
export async function listOperationHistory(
  query: TOperationHistoryQuery,
): Promise<{ items: TOperationRow[]; nextCursor: string | null }> {
  const logHits = query.q ? await operationsWithLogMatch(query.q) : null;
  const rows = await db().operation.findMany({
    where: whereOf(query, logHits),
    select: {
      id: true,
      kind: true,
      status: true,
      host: { select: { id: true, name: true } },
      createdBy: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      error: true,
      lineCount: true,
      deployment: { select: { id: true } },
      deploymentAction: { select: { deploymentId: true } },
      loadTest: { select: { deploymentId: true } },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const matches = query.q
    ? await firstLogMatches(
        page.map((r) => r.id),
        query.q,
      )
    : new Map<string, TLogMatch>();
  return {
    items: page.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      host: r.host,
      deploymentId: r.deployment?.id ?? r.deploymentAction?.deploymentId ?? r.loadTest?.deploymentId ?? null,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
      startedAt: r.startedAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      error: r.error,
      lineCount: r.lineCount,
      ...(matches.has(r.id) ? { logMatch: matches.get(r.id) } : {}),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}
