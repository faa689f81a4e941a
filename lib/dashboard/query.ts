import { z } from "zod";
import { validationError } from "../errors";

const DAY_MS = 86_400_000;
/** Longest range one request may ask for: two years of days keeps the per-day series small. */
export const MAX_RANGE_DAYS = 731;
export const DEFAULT_RANGE_DAYS = 30;

const ZDay = z.iso.date({ error: "must be a date such as 2026-11-25" });

/** The dashboard's filter: whole UTC days `from`..`to` (both included) and optionally one host. */
export interface TDashboardQuery {
  from: string;
  to: string;
  host: string | null;
}

export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS));
}

const ZDashboardParams = z
  .object({ from: ZDay.optional(), to: ZDay.optional(), host: z.string().min(1).max(100).optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: "`from` must not be after `to`",
    path: ["from"],
  })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS < MAX_RANGE_DAYS, {
    message: `at most ${MAX_RANGE_DAYS} days at once`,
    path: ["from"],
  });

type TParams = URLSearchParams | Record<string, string | string[] | undefined>;

/**
 * Reads from/to/host (blank values ignored). Without a range: the last 30 days up to `today`; with
 * only one end, 30 days from or up to it.
 */
export function parseDashboardParams(params: TParams, today = dayOf(new Date())): TDashboardQuery {
  const one = (name: string): string | undefined => {
    const raw = params instanceof URLSearchParams ? params.get(name) : [params[name] ?? []].flat()[0];
    return raw === null || raw === undefined || raw === "" ? undefined : raw;
  };
  const parsed = ZDashboardParams.safeParse({ from: one("from"), to: one("to"), host: one("host") });
  if (!parsed.success) throw validationError(parsed.error.issues, "The dashboard filter is not valid");
  const { from, to, host } = parsed.data;
  const end = to ?? (from ? addDays(from, DEFAULT_RANGE_DAYS - 1) : today);
  return { from: from ?? addDays(end, -(DEFAULT_RANGE_DAYS - 1)), to: end, host: host ?? null };
}

/** Every day of the range in order: the per-day chart shows empty days too. */
export function daysOf(query: TDashboardQuery): string[] {
  const days: string[] = [];
  for (let day = query.from; day <= query.to; day = addDays(day, 1)) days.push(day);
  return days;
}
