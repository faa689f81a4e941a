import type { TLogLine } from "@/lib/logs/line";
import { readStoredLines } from "@/lib/logs/stored";
import { getOperation } from "@/lib/operations/get-operation";
import { respond } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

/** Rows per query: a log of a million lines passes through memory a page at a time. */
const PAGE_SIZE = 5000;

/**
 * One row of the download, e.g. `42 2026-11-25T12:00:00.000Z stderr [install-runtime] | text`:
 * the line number, the time (UTC), the stream, the stage in brackets when there is one, then the
 * text as stored (already masked of secrets; ANSI colour codes kept, `less -R` shows them).
 */
function formatLine(line: TLogLine): string {
  const stage = line.stage ? ` [${line.stage}]` : "";
  // The writer splits output at newlines; should a text hold one, it must not start a fake row.
  const text = line.text.includes("\n") ? line.text.replace(/\r?\n/g, "\\n") : line.text;
  return `${line.seq} ${line.at} ${line.stream}${stage} | ${text}\n`;
}

// GET /api/operations/:id/log - the operation's whole stored log as a text download
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  return respond(request, "viewer", async () => {
    await getOperation(id);
    const encoder = new TextEncoder();
    let after = 0;
    // Pulled: the next page is read only when the client has taken the last one.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const rows = await readStoredLines(id, after, PAGE_SIZE);
        const last = rows.at(-1);
        if (last) {
          after = last.seq;
          controller.enqueue(encoder.encode(rows.map(formatLine).join("")));
        }
        if (rows.length < PAGE_SIZE) controller.close();
      },
    });
    return new Response(body, {
      headers: {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Disposition": `attachment; filename="${id}.log"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
}
