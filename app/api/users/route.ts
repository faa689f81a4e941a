import { createUser, listUsers } from "@/lib/auth/users";
import { jsonBody, respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/users - every user (never a password hash); admins only
export async function GET(request: Request): Promise<Response> {
  return respond(request, "admin", async () => Response.json({ users: await listUsers() }));
}

// POST /api/users {email, name?, role, password} - add a user
export async function POST(request: Request): Promise<Response> {
  return respond(request, { role: "admin", audit: "user.create" }, async (ctx) => {
    const user = await createUser(await jsonBody(request));
    ctx.audit.target = `user:${user.email}`;
    ctx.audit.detail = `role ${user.role}`;
    return Response.json({ user }, { status: 201 });
  });
}
