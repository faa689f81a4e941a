import { getDeployment } from "@/lib/deployments/get-deployment";
import { respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/deployments/:id - status, stages with times, queue position, configuration (no secrets)
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, "viewer", async () => Response.json(await getDeployment(id)));
}
