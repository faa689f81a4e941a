import { AppError } from "@/lib/errors";
import { storedLinesJson } from "@/lib/logs/stored";
import { getOperation } from "@/lib/operations/get-operation";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

const MAX_LIMIT = 20_000;

function whole(raw: string | null, fallback: number, what: string, max: number): number {
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > max)
    throw new AppError("validation", `\`${what}\` must be a whole number up to ${max}`);
  return Number(raw);
}

// GET /api/operations/:id/lines?after=N&limit=M - stored lines in bulk ({lines, lastSeq, more}); a viewer
// loads history this way, then follows /events?after=<lastSeq> for what is newer.
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, "viewer", async () => {
    const url = new URL(request.url);
    const after = whole(url.searchParams.get("after"), 0, "after", 999_999_999);
    const limit = Math.max(1, whole(url.searchParams.get("limit"), 10_000, "limit", MAX_LIMIT));
    await getOperation(id);
    return new Response(await storedLinesJson(id, after, limit), {
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
    });
  });
}
