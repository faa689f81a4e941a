import { changeUser } from "@/lib/auth/users";
import { jsonBody, respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

// PATCH /api/users/:id {name?, role?, disabled?, password?} - change a user; a new role, password or
// disabling ends their sessions
export async function PATCH(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, { role: "admin", audit: "user.update", target: `user:${id}` }, async (ctx) => {
    const body = await jsonBody(request);
    const user = await changeUser(id, body, ctx.actor.userId);
    ctx.audit.target = `user:${user.email}`;
    const changed = Object.keys(body as object).filter((k) => k !== "password");
    if ((body as { password?: unknown }).password !== undefined) changed.push("password (new)");
    ctx.audit.detail = `changed ${changed.join(", ")}; role ${user.role}${user.disabled ? ", disabled" : ""}`;
    return Response.json({ user });
  });
}
