import { z } from "zod";
import { db } from "../db";
import { validationError } from "../errors";
import type { Prisma } from "../generated/prisma/client";

export interface TAuditEntryView {
  id: string;
  at: string;
  actor: string;
  via: string;
  address: string;
  action: string;
  target: string;
  outcome: string;
  detail: string;
  requestId: string;
}

const ZDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, "A date like 2026-12-02")
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()), "Not a real date");

export const ZAuditQuery = z.object({
  actor: z.string().trim().max(254).optional(),
  action: z.string().trim().max(100).optional(),
  target: z.string().trim().max(300).optional(),
  outcome: z.enum(["success", "denied", "failure"]).optional(),
  from: ZDate.optional(),
  to: ZDate.optional(),
  /** Entries older than this id (the previous page's last). */
  before: z
    .string()
    .regex(/^\d{1,19}$/, "A whole number")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** `to` is inclusive: a plain date means the end of that day. */
function endOf(to: Date, text: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(to.getTime() + 24 * 3600 * 1000) : to;
}

/** Newest first, keyset-paginated by id: `before` is the last id of the previous page. */
export async function listAuditEntries(
  params: URLSearchParams,
): Promise<{ entries: TAuditEntryView[]; nextBefore: string | null }> {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (v !== "") raw[k] = v;
  const parsed = ZAuditQuery.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error.issues, "The audit log filter is not valid");
  const q = parsed.data;
  const where: Prisma.AuditEntryWhereInput = {
    actor: q.actor ? { contains: q.actor, mode: "insensitive" } : undefined,
    action: q.action ? { startsWith: q.action } : undefined,
    target: q.target ? { contains: q.target } : undefined,
    outcome: q.outcome,
    at: q.from || q.to ? { gte: q.from, lt: q.to ? endOf(q.to, raw.to ?? "") : undefined } : undefined,
    id: q.before ? { lt: BigInt(q.before) } : undefined,
  };
  const rows = await db().auditEntry.findMany({ where, orderBy: { id: "desc" }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    entries: page.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      actor: r.actor,
      via: r.via,
      address: r.address,
      action: r.action,
      target: r.target,
      outcome: r.outcome,
      detail: r.detail,
      requestId: r.requestId,
    })),
    nextBefore: rows.length > q.limit ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}
