import { rollbackDeployment } from "@/lib/deployments/rollback";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// POST /api/deployments/:id/rollback - deploy the last earlier configuration of this service that reached running
export async function POST(
  _request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(async () => Response.json(await rollbackDeployment(id), { status: 201 }));
}
