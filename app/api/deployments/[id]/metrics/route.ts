import { metricSeries } from "@/lib/monitor/series";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/deployments/:id/metrics?window=15m|1h|6h|24h|7d - metric samples for the charts
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  const window = new URL(request.url).searchParams.get("window") ?? "1h";
  return respond(request, "viewer", async () => Response.json(await metricSeries(id, window)));
}
