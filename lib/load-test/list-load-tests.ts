import { db } from "../db";
import { AppError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import type { TLoadTestList, TLoadTestView } from "./schema";

type TRow = Prisma.LoadTestGetPayload<{ include: { operation: { select: { status: true; error: true } } } }>;

function toView(row: TRow): TLoadTestView {
  return {
    id: row.id,
    deploymentId: row.deploymentId,
    operationId: row.operationId,
    status: row.operation.status,
    error: row.operation.error,
    requests: row.requests,
    concurrency: row.concurrency,
    promptWords: row.promptWords,
    maxTokens: row.maxTokens,
    passed: row.passed,
    succeeded: row.succeeded,
    errors: row.errors,
    errorMessages: row.errorMessages,
    latencyP50Ms: row.latencyP50Ms,
    latencyP95Ms: row.latencyP95Ms,
    ttftP50Ms: row.ttftP50Ms,
    ttftP95Ms: row.ttftP95Ms,
    outputTokensPerS: row.outputTokensPerS,
    requestsPerS: row.requestsPerS,
    durationMs: row.durationMs,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

const WITH_STATUS = { operation: { select: { status: true, error: true } } } as const;

/** A deployment's load tests, newest first, and its acceptance record (the newest passing one). */
export async function listLoadTests(deploymentId: string, limit = 50): Promise<TLoadTestList> {
  const dep = await db().deployment.findUnique({ where: { id: deploymentId }, select: { id: true } });
  if (!dep) throw new AppError("not_found", "No such deployment");
  const [rows, acceptance] = await Promise.all([
    db().loadTest.findMany({
      where: { deploymentId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
      include: WITH_STATUS,
    }),
    db().loadTest.findFirst({
      where: { deploymentId, passed: true },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      include: WITH_STATUS,
    }),
  ]);
  return { acceptance: acceptance ? toView(acceptance) : null, items: rows.map(toView) };
}
