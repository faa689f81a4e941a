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
  return respond(async () => {
    const body = (await jsonBody(request)) as { spec?: unknown } | null;
    if (!body || typeof body !== "object" || !("spec" in body))
      throw new AppError("validation", "The body must be {spec}");
    return Response.json(await previewDeployment(body.spec));
  });
}
