import { getOperation } from "@/lib/operations/get-operation";
import { respond } from "../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/operations/:id - an operation's status and outcome
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, "viewer", async () => Response.json({ operation: await getOperation(id) }));
}
