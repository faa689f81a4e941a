import { createDeployment, parseSpec, ZCreateDeploymentBody } from "@/lib/deployments/create-deployment";
import { listDeployments } from "@/lib/deployments/get-deployment";
import { AppError } from "@/lib/errors";
import { jsonBody, respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/deployments?host=<id>&take=N - newest first
export async function GET(request: Request): Promise<Response> {
  return respond(async () => {
    const url = new URL(request.url);
    const take = Number(url.searchParams.get("take") ?? "50");
    if (!Number.isInteger(take) || take < 1 || take > 200)
      throw new AppError("validation", "`take` must be a whole number from 1 to 200");
    const hostId = url.searchParams.get("host") ?? undefined;
    return Response.json({ deployments: await listDeployments({ hostId, take }) });
  });
}

// POST /api/deployments {spec, force?} - record and queue a deployment; follow it at /deployments/:id
export async function POST(request: Request): Promise<Response> {
  return respond(async () => {
    const body = ZCreateDeploymentBody.safeParse(await jsonBody(request));
    if (!body.success) throw new AppError("validation", "The body must be {spec, force?}");
    const created = await createDeployment(parseSpec(body.data.spec), { force: body.data.force });
    return Response.json(created, { status: 201 });
  });
}
