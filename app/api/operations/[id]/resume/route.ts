import { resumeOperation } from "@/lib/operations/resume-operation";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/operations/:id/resume - Re-check: a blocked run carries on where it stopped
export async function POST(
  _request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(async () => Response.json(await resumeOperation(id), { status: 202 }));
}
