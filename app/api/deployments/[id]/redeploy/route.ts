import { redeployDeployment } from "@/lib/deployments/actions";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/deployments/:id/redeploy - the same configuration again, in the same folder; unchanged stages are skipped
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "operator", audit: "deployment.redeploy", target: `deployment:${id}` },
    async (ctx) => Response.json(await redeployDeployment(id, ctx.actor.email), { status: 201 }),
  );
}
