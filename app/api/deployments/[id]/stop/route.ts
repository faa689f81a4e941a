import { requestDeploymentAction } from "@/lib/deployments/lifecycle";
import { AppError } from "@/lib/errors";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

/** The body is optional: none, or a JSON object. */
async function optionalBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("validation", "The request body must be JSON");
  }
}

// POST /api/deployments/:id/stop - stop the service; the deployment becomes stopped (202; the action's live log is its operation's)
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "operator", audit: "deployment.stop", target: `deployment:${id}` },
    async (ctx) =>
      Response.json(await requestDeploymentAction(id, "stop", await optionalBody(request), ctx.actor.email), {
        status: 202,
      }),
  );
}
