import { AppError } from "@/lib/errors";
import { setHostDisabled } from "@/lib/hosts/save-host";
import { jsonBody, respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

// PUT /api/hosts/:id/disabled {"disabled": true|false} - a disabled host takes no checks or deployments
export async function PUT(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, { role: "admin", audit: "host.disable", target: `host:${id}` }, async () => {
    const body = (await jsonBody(request)) as { disabled?: unknown };
    if (typeof body?.disabled !== "boolean")
      throw new AppError("validation", 'Send {"disabled": true} or {"disabled": false}', {
        disabled: "true or false",
      });
    return Response.json({ host: await setHostDisabled(id, body.disabled) });
  });
}
