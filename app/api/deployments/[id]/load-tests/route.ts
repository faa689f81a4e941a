import { validationError } from "@/lib/errors";
import { listLoadTests } from "@/lib/load-test/list-load-tests";
import { ZLoadTestRequestSchema } from "@/lib/load-test/schema";
import { startLoadTest } from "@/lib/load-test/start-load-test";
import { jsonBody, respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/deployments/:id/load-tests - the deployment's load tests, newest first, and its acceptance record
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, "viewer", async () => Response.json(await listLoadTests(id)));
}

// POST /api/deployments/:id/load-tests - queue a load test: {requests, concurrency, promptWords, maxTokens}
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "operator", audit: "deployment.load_test", target: `deployment:${id}` },
    async (ctx) => {
      const parsed = ZLoadTestRequestSchema.safeParse(await jsonBody(request));
      if (!parsed.success) throw validationError(parsed.error.issues, "The load test is not valid");
      return Response.json(await startLoadTest(id, parsed.data, ctx.actor.email), { status: 202 });
    },
  );
}
