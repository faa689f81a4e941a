import { z } from "zod";
import { db } from "../db";
import { validationError } from "../errors";

export interface TDeliveryView {
  id: string;
  endpointId: string;
  endpointName: string;
  event: string;
  deploymentId: string | null;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  payload: unknown;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

const ZDeliveryQuerySchema = z.object({
  endpointId: z.string().min(1).max(64).optional(),
  status: z.enum(["pending", "delivered", "failed"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The delivery log, newest first; optionally one endpoint's or one status. */
export async function listDeliveries(query: Record<string, string | undefined>): Promise<TDeliveryView[]> {
  const parsed = ZDeliveryQuerySchema.safeParse(query);
  if (!parsed.success) throw validationError(parsed.error.issues, "The filter is not valid");
  const { endpointId, status, limit } = parsed.data;
  const rows = await db().webhookDelivery.findMany({
    where: { ...(endpointId ? { endpointId } : {}), ...(status ? { status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    include: { endpoint: { select: { name: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpointId,
    endpointName: r.endpoint.name,
    event: r.event,
    deploymentId: r.deploymentId,
    status: r.status,
    attempts: r.attempts,
    responseCode: r.responseCode,
    lastError: r.lastError,
    payload: r.payload,
    createdAt: r.createdAt.toISOString(),
    lastAttemptAt: r.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  }));
}
