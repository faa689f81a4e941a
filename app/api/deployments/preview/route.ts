import { z } from "zod";
import { previewDeployment } from "@/lib/deployments/preview";
import { AppError } from "@/lib/errors";
import { jsonBody, respond } from "../../_lib/respond";

const ZPreviewBody = z.object({
  spec: z.unknown(),
  /** The model's parameter count, when the operator knows it: a better memory estimate than the name. */
  paramsBillion: z.number().min(0.01).max(10_000).optional(),
});

export const dynamic = "force-dynamic";

// POST /api/deployments/preview {spec} - the Review step: fit check, exact commands, warnings. Changes nothing.
export async function POST(request: Request): Promise<Response> {
  return respond(request, { role: "operator", readOnly: true }, async () => {
    const body = ZPreviewBody.safeParse(await jsonBody(request));
    if (!body.success)
      throw new AppError(
        "validation",
        "The body must be {spec, paramsBillion?} with paramsBillion from 0.01 to 10000",
      );
    return Response.json(await previewDeployment(body.data.spec, { paramsBillion: body.data.paramsBillion }));
  });
}
