import { startPrerequisites } from "@/lib/operations/start-prerequisites";
import { jsonBody, respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/hosts/:id/prerequisites {"profile": "cpu-source", "mode": "check"|"install"} - queue a run
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "operator", audit: "host.prerequisites_install", target: `host:${id}` },
    async (ctx) =>
      Response.json(await startPrerequisites(id, await jsonBody(request), ctx.actor.email), { status: 202 }),
  );
}
