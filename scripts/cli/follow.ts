import { type ApiClient, CliError } from "./client";

export interface TFollowLine {
  seq: number;
  stream: string;
  text: string;
  stage?: string;
}

/**
 * Follows an operation's log from its first line, live, until the operation ends: the event stream
 * (GET /api/operations/:id/events), resumed after the last line seen when the connection drops or
 * the server answers with an error for a while (a restart of the panel or of Redis).
 */
export async function followLog(
  api: ApiClient,
  operationId: string,
  on: { line: (line: TFollowLine) => void; status?: (status: string, error: string | null) => void },
): Promise<void> {
  let after = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    let res: Response;
    try {
      res = await api.request(`/api/operations/${operationId}/events?after=${after}`, {
        accept: "text/event-stream",
      });
    } catch (err) {
      // Refused (no such operation, a revoked token): say so. Unreachable or failing: try again.
      if (err instanceof CliError && err.status !== undefined && err.status < 500) throw err;
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    const reader = res.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = block
            .split("\n")
            .filter((l) => l.startsWith("data: "))
            .map((l) => l.slice(6))
            .join("\n");
          if (event === "end") return;
          if (event === "lines")
            for (const line of JSON.parse(data) as TFollowLine[]) {
              if (line.seq <= after) continue;
              after = line.seq;
              on.line(line);
            }
          if (event === "status") {
            const status = JSON.parse(data) as { status: string; error: string | null };
            on.status?.(status.status, status.error);
          }
        }
      }
    } catch {
      // Dropped: reopen after the last line printed.
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
