import { createWebhook, listWebhooks } from "@/lib/webhooks/endpoints";
import { jsonBody, respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/webhooks - list outgoing webhooks (never their signing secrets)
export function GET(request: Request): Promise<Response> {
  return respond(request, "admin", async () => Response.json({ webhooks: await listWebhooks() }));
}

// POST /api/webhooks - add one: {name, url, kind: generic|slack, events[], secret?, enabled?}
export function POST(request: Request): Promise<Response> {
  return respond(request, { role: "admin", audit: "webhook.create" }, async (ctx) => {
    const webhook = await createWebhook(await jsonBody(request));
    ctx.audit.target = `webhook:${webhook.id}`;
    return Response.json({ webhook }, { status: 201 });
  });
}
