import { resumeOperation } from "@/lib/operations/resume-operation";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/operations/:id/resume - Re-check: a blocked run carries on where it stopped
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(
    request,
    { role: "operator", audit: "operation.resume", target: `operation:${id}` },
    async () => Response.json(await resumeOperation(id), { status: 202 }),
  );
}
