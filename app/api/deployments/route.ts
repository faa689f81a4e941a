import { createDeployment, parseSpec, ZCreateDeploymentBody } from "@/lib/deployments/create-deployment";
import { listHistory, parseHistoryParams } from "@/lib/deployments/history";
import { AppError } from "@/lib/errors";
import { jsonBody, respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/deployments?status=&host=&model=&user=&from=&to=&q=&cursor=&limit= - history, newest
// first (`take` is the older name of `limit`); follow `nextCursor` for older deployments. `q` finds
// text in the deployments' logs; each row then names its first matching line (`logMatch`).
export async function GET(request: Request): Promise<Response> {
  return respond(request, "viewer", async () => {
    const query = parseHistoryParams(new URL(request.url).searchParams);
    const { items, nextCursor } = await listHistory(query);
    return Response.json({ deployments: items, nextCursor });
  });
}

// POST /api/deployments {spec, force?} - record and queue a deployment; follow it at /deployments/:id
export async function POST(request: Request): Promise<Response> {
  return respond(request, { role: "operator", audit: "deployment.create" }, async (ctx) => {
    const body = ZCreateDeploymentBody.safeParse(await jsonBody(request));
    if (!body.success) throw new AppError("validation", "The body must be {spec, force?}");
    const created = await createDeployment(parseSpec(body.data.spec), {
      force: body.data.force,
      createdBy: ctx.actor.email,
    });
    ctx.audit.target = `deployment:${created.id}`;
    return Response.json(created, { status: 201 });
  });
}
