import { sendTestWebhook } from "@/lib/webhooks/endpoints";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/webhooks/:id/test - queue a webhook.test delivery; its outcome appears in the delivery log
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, { role: "admin", audit: "webhook.test", target: `webhook:${id}` }, async () =>
    Response.json(await sendTestWebhook(id), { status: 202 }),
  );
}
