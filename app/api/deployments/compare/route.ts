import { compareDeployments, parseCompareParams } from "@/lib/deployments/compare";
import { respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/deployments/compare?a=&b= - two deployments' configurations field by field; secrets as set/not set
export async function GET(request: Request): Promise<Response> {
  return respond(request, "viewer", async () => {
    const { a, b } = parseCompareParams(new URL(request.url).searchParams);
    return Response.json(await compareDeployments(a, b));
  });
}
