import { healthView } from "@/lib/monitor/series";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/deployments/:id/health - the monitor's latest verdict and the history of status changes
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, "viewer", async () => Response.json(await healthView(id)));
}
