import { listDeliveries } from "@/lib/webhooks/deliveries";
import { respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/webhooks/deliveries?endpointId=&status=&limit= - the delivery log of all webhooks, newest first
export function GET(request: Request): Promise<Response> {
  const query = Object.fromEntries(new URL(request.url).searchParams);
  return respond(request, "admin", async () => Response.json({ deliveries: await listDeliveries(query) }));
}
