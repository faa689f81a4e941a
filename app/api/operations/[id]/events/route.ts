import { AppError } from "@/lib/errors";
import type { TFollowRun } from "@/lib/logs/follow";
import { followOperationLogRuns } from "@/lib/operations/follow-operation-log";
import { getOperation } from "@/lib/operations/get-operation";
import { sseClientClosed, sseClientOpened } from "@/lib/ops/sse-clients";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

/** Resume point: the browser's Last-Event-ID on reconnect, or ?after=N. */
function afterSeq(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after") ?? "0";
  if (!/^\d{1,9}$/.test(raw)) throw new AppError("validation", "`after` must be a line number");
  return Number(raw);
}

const COMMA = Buffer.from(",");

/**
 * One event for a whole run of lines: `event: lines`, its data the lines' JSON as an array (the
 * bodies from Redis or PostgreSQL, joined as they are), its id the run's last line (the browser's
 * Last-Event-ID resumes after it).
 */
function eventBytes(event: TFollowRun): Uint8Array {
  if (event.type === "heartbeat") return Buffer.from(": heartbeat\n\n");
  if (event.type === "status")
    return Buffer.from(
      `id: ${event.seq}\nevent: status\ndata: ${JSON.stringify({ status: event.status, error: event.error })}\n\n`,
    );
  const chunks: Buffer[] = [Buffer.from(`id: ${event.first + event.count - 1}\nevent: lines\ndata: [`)];
  event.parts.forEach((part, i) => {
    if (i > 0) chunks.push(COMMA);
    chunks.push(typeof part === "string" ? Buffer.from(part) : part);
  });
  chunks.push(Buffer.from("]\n\n"));
  return Buffer.concat(chunks);
}

// GET /api/operations/:id/events - the operation's log as Server-Sent Events, live while it runs
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, "viewer", async () => {
    const after = afterSeq(request);
    await getOperation(id);
    const abort = new AbortController();
    request.signal.addEventListener("abort", () => abort.abort(), { once: true });
    const events = followOperationLogRuns(id, after, abort.signal);
    const encoder = new TextEncoder();
    // Counted for /metrics from the first byte until the stream ends or the client goes.
    let counted = true;
    sseClientOpened();
    const uncount = () => {
      if (counted) sseClientClosed();
      counted = false;
    };
    // Pulled: the log is read from Redis only as fast as the browser takes it, so a slow viewer
    // holds one run in memory, not the whole backlog.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("retry: 2000\n\n"));
      },
      async pull(controller) {
        try {
          const next = await events.next();
          if (next.done) {
            controller.enqueue(encoder.encode("event: end\ndata: {}\n\n"));
            controller.close();
            uncount();
          } else controller.enqueue(eventBytes(next.value));
        } catch (err) {
          if (abort.signal.aborted) return uncount();
          controller.enqueue(
            encoder.encode(`event: failure\ndata: ${JSON.stringify({ error: (err as Error).message })}\n\n`),
          );
          controller.close();
          uncount();
        }
      },
      cancel() {
        uncount();
        abort.abort();
        events.return(undefined).catch(() => undefined);
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
