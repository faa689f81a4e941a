import { parseDashboardParams } from "@/lib/dashboard/query";
import { dashboardStats } from "@/lib/dashboard/stats";
import { respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/dashboard?from=&to=&host= - deployments per day by outcome, success rate, stage durations
// (median, p95), top failure reasons and per-host lines; the last 30 days when no range is given
export async function GET(request: Request): Promise<Response> {
  return respond(request, "viewer", async () =>
    Response.json(await dashboardStats(parseDashboardParams(new URL(request.url).searchParams))),
  );
}
