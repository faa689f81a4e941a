import { healthz } from "@/lib/ops/healthz";
import { respondPublic } from "../api/_lib/respond";

export const dynamic = "force-dynamic";

// GET /healthz - PostgreSQL, Redis and a worker heartbeat: 200 when all are there, 503 naming what is not.
// Public, for load balancers and orchestrators; it says nothing else about the panel.
export async function GET(request: Request): Promise<Response> {
  return respondPublic(request, async () => {
    const health = await healthz();
    return Response.json(health, {
      status: health.status === "ok" ? 200 : 503,
      headers: { "cache-control": "no-store" },
    });
  });
}
