import { getHost } from "@/lib/hosts/get-host";
import { deleteHost, updateHost } from "@/lib/hosts/save-host";
import { jsonBody, respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

type TParams = { params: Promise<{ id: string }> };

// GET /api/hosts/:id - one host (never its credentials)
export async function GET(request: Request, { params }: TParams): Promise<Response> {
  const { id } = await params;
  return respond(request, "viewer", async () => Response.json({ host: await getHost(id) }));
}

// PATCH /api/hosts/:id - edit; empty credential fields keep the stored ones
export async function PATCH(request: Request, { params }: TParams): Promise<Response> {
  const { id } = await params;
  return respond(request, { role: "admin", audit: "host.update", target: `host:${id}` }, async () =>
    Response.json({ host: await updateHost(id, await jsonBody(request)) }),
  );
}

// DELETE /api/hosts/:id - refused while work runs on it or another host jumps through it
export async function DELETE(request: Request, { params }: TParams): Promise<Response> {
  const { id } = await params;
  return respond(request, { role: "admin", audit: "host.delete", target: `host:${id}` }, async () => {
    await deleteHost(id);
    return new Response(null, { status: 204 });
  });
}
