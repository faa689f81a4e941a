import { rollbackDeployment } from "@/lib/deployments/rollback";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/deployments/:id/rollback - deploy the last earlier configuration of this service that reached running
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "operator", audit: "deployment.rollback", target: `deployment:${id}` },
    async (ctx) => Response.json(await rollbackDeployment(id, ctx.actor.email), { status: 201 }),
  );
}
