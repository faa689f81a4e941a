import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

// GET /api/health - database and Redis reachability, for scripts and load balancers
export async function GET(): Promise<Response> {
  const health = await checkHealth();
  return Response.json(health, { status: health.ok ? 200 : 503 });
}
