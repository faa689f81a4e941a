import { respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/auth/me - who the request acts as: user, role, and whether by session or API token
export async function GET(request: Request): Promise<Response> {
  return respond(request, "viewer", async ({ actor }) =>
    Response.json({
      user: { id: actor.userId, email: actor.email, name: actor.name, role: actor.role },
      via: actor.via.startsWith("token:") ? "token" : "session",
    }),
  );
}
