import { z } from "zod";
import { db } from "../db";
import { validationError } from "../errors";
import {
  deploymentsWithLogMatch,
  firstLogMatches,
  LOG_SEARCH_MAX,
  LOG_SEARCH_MIN,
  type TLogMatch,
} from "../logs/search";
import { isoText as iso, pgPool } from "../pg-pool";
import type { TDeploymentStatus } from "./view";

export const DEPLOYMENT_STATUSES = [
  "queued",
  "deploying",
  "running",
  "failed",
  "cancelled",
  "blocked",
  "stopped",
] as const satisfies readonly TDeploymentStatus[];

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
export const ZDateParam = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "must be an ISO date (2026-11-25) or date-time (2026-11-25T10:00:00Z)",
});

/** A page boundary: the last row shown, as (createdAt, id); opaque to clients (base64url JSON). */
const ZCursor = z.object({ t: z.iso.datetime(), id: z.string().min(1).max(100) });
type TCursor = z.infer<typeof ZCursor>;

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ t: row.createdAt.toISOString(), id: row.id })).toString("base64url");
}

/** The `cursor` query parameter: a page boundary from `encodeCursor`, or a clear error. */
export const ZCursorParam = z
  .string()
  .max(400)
  .transform((value, ctx) => {
    const cursor = decodeCursor(value);
    if (!cursor) {
      ctx.addIssue({ code: "custom", message: "is not a cursor from this list; start from the first page" });
      return z.NEVER;
    }
    return cursor;
  });

function decodeCursor(value: string): TCursor | undefined {
  try {
    const parsed = ZCursor.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Filters and page of the deployment history; `to` given as a date alone includes that whole day (UTC). */
export const ZHistoryQuery = z
  .object({
    status: z.array(z.enum(DEPLOYMENT_STATUSES)).max(DEPLOYMENT_STATUSES.length).optional(),
    host: z.string().min(1).max(100).optional(),
    model: z.string().trim().min(1).max(200).optional(),
    user: z.string().min(1).max(200).optional(),
    from: ZDateParam.optional(),
    to: ZDateParam.optional(),
    /** Text to find in the deployment's logs (case-insensitive, inside a line's text). */
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
export type THistoryQuery = z.infer<typeof ZHistoryQuery>;
export type THistoryQueryInput = z.input<typeof ZHistoryQuery>;

export function startOf(value: string): Date {
  return new Date(DATE_ONLY.test(value) ? `${value}T00:00:00.000Z` : value);
}

/** Exclusive upper bound: the next day for a date, the next millisecond for a date-time. */
export function endOf(value: string): Date {
  const start = startOf(value);
  return new Date(start.getTime() + (DATE_ONLY.test(value) ? 86_400_000 : 1));
}

type TParams = URLSearchParams | Record<string, string | string[] | undefined>;

/**
 * Validates query-string parameters (an API request's or a page's searchParams). Empty values are
 * ignored, so a GET form may submit blank fields; `status` may repeat or be comma-separated; the
 * older `take` is an alias of `limit`. Throws a validation AppError naming the bad parameter.
 */
export function parseHistoryParams(params: TParams): THistoryQuery {
  const all = (name: string): string[] => {
    const raw = params instanceof URLSearchParams ? params.getAll(name) : [params[name] ?? []].flat();
    return raw.filter((v) => v !== "");
  };
  const one = (name: string): string | undefined => all(name)[0];
  const status = all("status").flatMap((s) => s.split(",").filter((v) => v !== ""));
  const parsed = ZHistoryQuery.safeParse({
    status: status.length > 0 ? status : undefined,
    host: one("host"),
    model: one("model"),
    user: one("user"),
    from: one("from"),
    to: one("to"),
    q: one("q"),
    cursor: one("cursor"),
    limit: one("limit") ?? one("take"),
  });
  if (!parsed.success) {
    // Name the parameter (`status`), not the array element (`status.0`); `take` reports as `limit`.
    const issues = parsed.error.issues.map((i) => ({ ...i, path: i.path.slice(0, 1) }));
    throw validationError(issues, "The history filter is not valid");
  }
  return parsed.data;
}

/** One line of the history: what the list shows, without spec, stages or queue place. */
export interface THistoryRow {
  id: string;
  status: TDeploymentStatus;
  stage: string | null;
  modelName: string;
  installMethod: string;
  host: { id: string; name: string };
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /** With a log search: the first line that matched, in the pipeline's log or else an action's. */
  logMatch?: TLogMatch;
}

/**
 * Rows after a page boundary in (createdAt desc, id desc) order. The redundant `lte` gives the
 * planner an index bound; the OR is the (createdAt, id) < cursor test.
 */
export function olderThan(cursor: TCursor): { createdAt?: { lte: Date }; OR?: object[] }[] {
  const at = new Date(cursor.t);
  return [
    { createdAt: { lte: at } },
    { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: cursor.id } }] },
  ];
}

/** Prisma passes `contains` to (I)LIKE as is: escape its wildcards so `opt_` matches only "opt_". */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The filters as SQL over `d` (a Deployment), with their values as parameters `$1`, `$2` ... */
function whereSql(query: THistoryQuery, logHits: string[] | null): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  // Times are compared as UTC timestamps, as they are stored.
  const utc = (value: Date) => `(${param(value.toISOString())}::timestamptz AT TIME ZONE 'UTC')`;
  const and: string[] = [];
  if (logHits) and.push(`d.id = ANY(${param(logHits)}::text[])`);
  if (query.status) and.push(`d.status = ANY(${param(query.status)}::"DeploymentStatus"[])`);
  if (query.host) and.push(`d."hostId" = ${param(query.host)}`);
  if (query.model) and.push(`d."modelName" ILIKE '%' || ${param(likeLiteral(query.model))} || '%'`);
  if (query.user) and.push(`d."createdBy" = ${param(query.user)}`);
  if (query.from) and.push(`d."createdAt" >= ${utc(startOf(query.from))}`);
  if (query.to) and.push(`d."createdAt" < ${utc(endOf(query.to))}`);
  if (query.cursor) {
    // The redundant bound gives the planner an index range; the OR is (createdAt, id) < cursor.
    const at = utc(new Date(query.cursor.t));
    const id = param(query.cursor.id);
    and.push(`d."createdAt" <= ${at}`, `(d."createdAt" < ${at} OR (d."createdAt" = ${at} AND d.id < ${id}))`);
  }
  return { sql: and.length > 0 ? `WHERE ${and.join(" AND ")}` : "", values };
}

interface TListRow extends Omit<THistoryRow, "host" | "logMatch"> {
  hostId: string;
  hostName: string;
  operationId: string;
}

/**
 * Newest first, keyset-paginated on (createdAt, id): one query per page however deep the page. One
 * statement through `pg`: the history is the API's busiest read, and the ORM's per-query planning
 * was most of its CPU.
 */
export async function listHistory(
  query: THistoryQuery,
): Promise<{ items: THistoryRow[]; nextCursor: string | null }> {
  const logHits = query.q ? await deploymentsWithLogMatch(query.q) : null;
  const where = whereSql(query, logHits);
  const { rows } = await pgPool().query<TListRow>(
    `SELECT d.id, d.status, d.stage, d."modelName", d."installMethod", h.id AS "hostId", h.name AS "hostName",
       d."createdBy", ${iso('d."createdAt"')} AS "createdAt", ${iso('d."startedAt"')} AS "startedAt",
       ${iso('d."finishedAt"')} AS "finishedAt", d.error, d."operationId"
     FROM "Deployment" d JOIN "Host" h ON h.id = d."hostId"
     ${where.sql}
     ORDER BY d."createdAt" DESC, d.id DESC
     LIMIT $${where.values.length + 1}`,
    [...where.values, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const matches = query.q ? await matchesOf(page, query.q) : new Map<string, TLogMatch>();
  return {
    items: page.map((r) => ({
      id: r.id,
      status: r.status,
      stage: r.stage,
      modelName: r.modelName,
      installMethod: r.installMethod,
      host: { id: r.hostId, name: r.hostName },
      createdBy: r.createdBy,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      error: r.error,
      ...(matches.has(r.id) ? { logMatch: matches.get(r.id) } : {}),
    })),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ createdAt: new Date(last.createdAt), id: last.id })
        : null,
  };
}

/** Each deployment's first matching line: its pipeline's log first, then its actions' oldest first. */
async function matchesOf(
  page: { id: string; operationId: string }[],
  term: string,
): Promise<Map<string, TLogMatch>> {
  const actions = await db().deploymentAction.findMany({
    where: { deploymentId: { in: page.map((d) => d.id) } },
    select: { deploymentId: true, operationId: true },
    orderBy: { createdAt: "asc" },
  });
  const byOperation = await firstLogMatches(
    [...page.map((d) => d.operationId), ...actions.map((a) => a.operationId)],
    term,
  );
  const result = new Map<string, TLogMatch>();
  for (const d of page) {
    const candidates = [
      d.operationId,
      ...actions.filter((a) => a.deploymentId === d.id).map((a) => a.operationId),
    ];
    const match = candidates.map((id) => byOperation.get(id)).find((m) => m !== undefined);
    if (match) result.set(d.id, match);
  }
  return result;
}
