import {
  EXPORT_FORMATS,
  exportDeployment,
  isExportFormat,
  ZExportOptionsSchema,
} from "@/lib/deployments/exports/for-deployment";
import { AppError, validationError } from "@/lib/errors";
import { respond } from "../../../../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/deployments/:id/exports/:format?nodes=N&namespace=NS - the deployment as a Docker Compose
// file, Kubernetes manifests or its systemd unit, as a download; secrets by name only, never values
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string; format: string }> },
): Promise<Response> {
  const { id, format } = await params;
  return respond(
    request,
    { role: "viewer", audit: "deployment.export", target: `deployment:${id}` },
    async () => {
      if (!isExportFormat(format)) {
        throw new AppError("not_found", `No export format "${format}": use ${EXPORT_FORMATS.join(", ")}`);
      }
      const query = Object.fromEntries(new URL(request.url).searchParams);
      const parsed = ZExportOptionsSchema.safeParse(query);
      if (!parsed.success) throw validationError(parsed.error.issues, "The export options need attention");
      const file = await exportDeployment(id, format, parsed.data);
      return new Response(file.text, {
        headers: {
          "Content-Type": file.contentType,
          "Content-Disposition": `attachment; filename="${file.filename}"`,
          "Cache-Control": "no-store",
          "X-Content-Type-Options": "nosniff",
        },
      });
    },
  );
}
