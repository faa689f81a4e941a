import { AppError } from "@/lib/errors";
import { followOperationLog } from "@/lib/operations/follow-operation-log";
import { getOperation } from "@/lib/operations/get-operation";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

/** Resume point: the browser's Last-Event-ID on reconnect, or ?after=N. */
function afterSeq(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after") ?? "0";
  if (!/^\d{1,9}$/.test(raw)) throw new AppError("validation", "`after` must be a line number");
  return Number(raw);
}

// GET /api/operations/:id/events - the operation's log as Server-Sent Events, live while it runs
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(async () => {
    const after = afterSeq(request);
    await getOperation(id);
    const abort = new AbortController();
    request.signal.addEventListener("abort", () => abort.abort(), { once: true });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (text: string) => controller.enqueue(encoder.encode(text));
        send("retry: 2000\n\n");
        try {
          for await (const event of followOperationLog(id, after, abort.signal)) {
            if (event.type === "heartbeat") send(": heartbeat\n\n");
            else if (event.type === "line")
              send(`id: ${event.line.seq}\nevent: line\ndata: ${JSON.stringify(event.line)}\n\n`);
            else
              send(
                `id: ${event.seq}\nevent: status\ndata: ${JSON.stringify({ status: event.status, error: event.error })}\n\n`,
              );
          }
          send("event: end\ndata: {}\n\n");
        } catch (err) {
          if (!abort.signal.aborted)
            send(`event: failure\ndata: ${JSON.stringify({ error: (err as Error).message })}\n\n`);
        } finally {
          if (!abort.signal.aborted) controller.close();
        }
      },
      cancel() {
        abort.abort();
      },
    });
    return new Response(body, {
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        Connection: "keep-alive",
        "X-Accel-Buffering": "no",
      },
    });
  });
}
