import { changeOwnPassword } from "@/lib/auth/sessions";
import { jsonBody, respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/auth/password {current, password} - change your own password; your other sessions end
export async function POST(request: Request): Promise<Response> {
  return respond(request, { role: "viewer", audit: "auth.password" }, async (ctx) => {
    ctx.audit.target = `user:${ctx.actor.email}`;
    await changeOwnPassword(ctx.actor.userId, await jsonBody(request), ctx.actor.sessionId);
    return Response.json({ changed: true });
  });
}
