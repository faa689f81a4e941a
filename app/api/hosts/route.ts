import { listHosts } from "@/lib/hosts/list-hosts";
import { createHost } from "@/lib/hosts/save-host";
import { jsonBody, respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/hosts - list hosts (never their credentials)
export function GET(request: Request): Promise<Response> {
  return respond(request, "viewer", async () => Response.json({ hosts: await listHosts() }));
}

// POST /api/hosts - add a host
export function POST(request: Request): Promise<Response> {
  return respond(request, { role: "admin", audit: "host.create" }, async (ctx) => {
    const host = await createHost(await jsonBody(request));
    ctx.audit.target = `host:${host.id}`;
    ctx.audit.detail = `name ${host.name}, ${host.username}@${host.address}:${host.port}`;
    return Response.json({ host }, { status: 201 });
  });
}
