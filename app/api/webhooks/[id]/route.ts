import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/webhooks/endpoints";
import { jsonBody, respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

type TParams = { params: Promise<{ id: string }> };

// GET /api/webhooks/:id - one webhook (hasSecret, never the secret)
export async function GET(request: Request, { params }: TParams): Promise<Response> {
  const { id } = await params;
  return respond(request, "admin", async () => Response.json({ webhook: await getWebhook(id) }));
}

// PATCH /api/webhooks/:id - change fields; secret: null removes the secret, leaving it out keeps it
export async function PATCH(request: Request, { params }: TParams): Promise<Response> {
  const { id } = await params;
  return respond(request, { role: "admin", audit: "webhook.update", target: `webhook:${id}` }, async () =>
    Response.json({ webhook: await updateWebhook(id, await jsonBody(request)) }),
  );
}

// DELETE /api/webhooks/:id - remove it and its delivery log
export async function DELETE(request: Request, { params }: TParams): Promise<Response> {
  const { id } = await params;
  return respond(request, { role: "admin", audit: "webhook.delete", target: `webhook:${id}` }, async () => {
    await deleteWebhook(id);
    return new Response(null, { status: 204 });
  });
}
