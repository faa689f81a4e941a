import { createApiToken, listApiTokens } from "@/lib/auth/api-tokens";
import { jsonBody, respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/tokens - your API tokens (never the tokens themselves)
export async function GET(request: Request): Promise<Response> {
  return respond(request, "viewer", async ({ actor }) =>
    Response.json({ tokens: await listApiTokens(actor.userId) }),
  );
}

// POST /api/tokens {name, role, expiresInDays} - a new token, in this response only
export async function POST(request: Request): Promise<Response> {
  return respond(request, { role: "viewer", audit: "api_token.create" }, async (ctx) => {
    const { token, apiToken } = await createApiToken(ctx.actor, await jsonBody(request));
    ctx.audit.target = `api_token:${apiToken.id}`;
    ctx.audit.detail = `${apiToken.name}, role ${apiToken.role}, expires ${apiToken.expiresAt}`;
    return Response.json({ token, apiToken }, { status: 201, headers: { "cache-control": "no-store" } });
  });
}
