import { cancelDeployment } from "@/lib/deployments/actions";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/deployments/:id/cancel - a queued one ends now; a deploying one stops within about a second
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "operator", audit: "deployment.cancel", target: `deployment:${id}` },
    async () => Response.json(await cancelDeployment(id), { status: 202 }),
  );
}
