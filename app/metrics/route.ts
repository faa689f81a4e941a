import { panelMetrics } from "@/lib/ops/panel-metrics";
import { respond } from "../api/_lib/respond";

export const dynamic = "force-dynamic";

// GET /metrics - the panel's own metrics in Prometheus' text format; scrape with an API token
// (Prometheus: authorization: { credentials: <token> })
export async function GET(request: Request): Promise<Response> {
  return respond(
    request,
    "viewer",
    async () =>
      new Response(await panelMetrics(), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
      }),
  );
}
