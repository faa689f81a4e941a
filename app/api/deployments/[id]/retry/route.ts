import { retryDeployment } from "@/lib/deployments/actions";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/deployments/:id/retry - resume a failed, blocked or cancelled deployment from the stage that stopped
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "operator", audit: "deployment.retry", target: `deployment:${id}` },
    async () => {
      await retryDeployment(id);
      return Response.json({ id }, { status: 202 });
    },
  );
}
