import { listOperationHistory, parseOperationHistoryParams } from "@/lib/operations/history";
import { respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/operations?kind=&status=&host=&user=&from=&to=&q=&cursor=&limit= - every operation (checks,
// prerequisite runs, deployments, actions, load tests), newest first, searchable in their logs
export async function GET(request: Request): Promise<Response> {
  return respond(request, "viewer", async () => {
    const query = parseOperationHistoryParams(new URL(request.url).searchParams);
    return Response.json(await listOperationHistory(query));
  });
}
