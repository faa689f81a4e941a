import { listHosts } from "@/lib/hosts/list-hosts";
import { createHost } from "@/lib/hosts/save-host";
import { jsonBody, respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/hosts - list hosts (never their credentials)
export function GET(): Promise<Response> {
  return respond(async () => Response.json({ hosts: await listHosts() }));
}

// POST /api/hosts - add a host
export function POST(request: Request): Promise<Response> {
  return respond(async () =>
    Response.json({ host: await createHost(await jsonBody(request)) }, { status: 201 }),
  );
}
