import type { ApiClient } from "./client";

interface TLine {
  seq: number;
  stream: string;
  text: string;
  stage?: string;
}

/**
 * Prints an operation's log from its first line, live, until the operation ends: the event stream
 * (GET /api/operations/:id/events), resumed after the last line printed if the connection drops.
 */
export async function followLog(
  api: ApiClient,
  operationId: string,
  print: (line: string) => void,
): Promise<void> {
  let after = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await api.request(`/api/operations/${operationId}/events?after=${after}`, {
      accept: "text/event-stream",
    });
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
            for (const line of JSON.parse(data) as TLine[]) {
              if (line.seq <= after) continue;
              after = line.seq;
              const tag = line.stage ? `[${line.stage}] ` : "";
              print(`${tag}${line.stream === "stderr" ? "! " : ""}${line.text}`);
            }
          if (event === "status") {
            const status = JSON.parse(data) as { status: string; error: string | null };
            print(`-- ${status.status}${status.error ? `: ${status.error}` : ""}`);
          }
        }
      }
    } catch {
      // Dropped: reopen after the last line printed.
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
