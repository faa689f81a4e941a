import { revokeApiToken } from "@/lib/auth/api-tokens";
import { respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

// DELETE /api/tokens/:id - revoke one of your tokens (an admin: anyone's)
export async function DELETE(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "viewer", audit: "api_token.revoke", target: `api_token:${id}` },
    async (ctx) => Response.json({ apiToken: await revokeApiToken(ctx.actor, id) }),
  );
}
