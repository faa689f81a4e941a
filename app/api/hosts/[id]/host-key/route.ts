import { trustHostKey } from "@/lib/hosts/host-key";
import { jsonBody, respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/hosts/:id/host-key {"fingerprint": "SHA256:..."} - trust the key the host presented
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, { role: "admin", audit: "host.host_key", target: `host:${id}` }, async () => {
    const body = (await jsonBody(request)) as { fingerprint?: unknown };
    return Response.json({ host: await trustHostKey(id, body?.fingerprint) });
  });
}
