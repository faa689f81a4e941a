import { listDeploymentActions } from "@/lib/deployments/lifecycle";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/deployments/:id/actions - the deployment's stops, starts, restarts and undeploys, newest first
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, "viewer", async () => Response.json({ actions: await listDeploymentActions(id) }));
}
