import { listDeliveries } from "@/lib/webhooks/deliveries";
import { getWebhook } from "@/lib/webhooks/endpoints";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/webhooks/:id/deliveries?status=&limit= - one webhook's delivery log, newest first
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  const query = Object.fromEntries(new URL(request.url).searchParams);
  return respond(request, "admin", async () => {
    await getWebhook(id);
    return Response.json({ deliveries: await listDeliveries({ ...query, endpointId: id }) });
  });
}
