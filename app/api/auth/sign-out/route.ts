import { clearedSessionCookie } from "@/lib/auth/cookie";
import { signOut } from "@/lib/auth/sessions";
import { respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/auth/sign-out - ends this session (an API token is revoked at /api/tokens/:id instead)
export async function POST(request: Request): Promise<Response> {
  return respond(request, { role: "viewer", audit: "auth.sign_out" }, async (ctx) => {
    ctx.audit.target = `user:${ctx.actor.email}`;
    if (ctx.actor.sessionId) await signOut(ctx.actor.sessionId);
    return Response.json({ signedOut: true }, { headers: { "set-cookie": clearedSessionCookie(request) } });
  });
}
