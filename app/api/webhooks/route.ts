import { createWebhook, listWebhooks } from "@/lib/webhooks/endpoints";
import { jsonBody, respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/webhooks - list outgoing webhooks (never their signing secrets)
export function GET(): Promise<Response> {
  return respond(async () => Response.json({ webhooks: await listWebhooks() }));
}

// POST /api/webhooks - add one: {name, url, kind: generic|slack, events[], secret?, enabled?}
export function POST(request: Request): Promise<Response> {
  return respond(async () =>
    Response.json({ webhook: await createWebhook(await jsonBody(request)) }, { status: 201 }),
  );
}
