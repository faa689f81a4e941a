import { startHostCheck } from "@/lib/operations/start-host-check";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/hosts/:id/checks - queue a host check; follow it at /api/operations/:operationId/events
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, { role: "operator", audit: "host.check", target: `host:${id}` }, async (ctx) =>
    Response.json(await startHostCheck(id, ctx.actor.email), { status: 202 }),
  );
}
