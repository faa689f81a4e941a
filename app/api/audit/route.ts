import { listAuditEntries } from "@/lib/audit/list";
import { respond } from "../_lib/respond";

export const dynamic = "force-dynamic";

// GET /api/audit?actor=&action=&target=&outcome=&from=&to=&before=&limit= - the audit log, newest first; admins only
export async function GET(request: Request): Promise<Response> {
  return respond(request, "admin", async () =>
    Response.json(await listAuditEntries(new URL(request.url).searchParams)),
  );
}
