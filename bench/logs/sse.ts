// The viewer of the logs benchmark: reads GET /api/operations/:id/events as a browser's
// EventSource would, noting when each line arrives.
import { wallMs } from "./commands";

const LINE_START = '{"seq":';

export interface TSseResult {
  /** Line events received, by seq order of arrival. */
  received: number;
  /** Seqs that arrived twice or out of order. */
  outOfOrder: number;
  /** The highest seq seen. */
  lastSeq: number;
  /** Wall-clock ms the last line arrived. */
  lastAtMs: number;
  /** For lines `watch` selects: seq, arrival ms and the line's text. */
  watched: { seq: number; atMs: number; text: string }[];
  finalStatus: string | undefined;
}

/**
 * Follows an operation's event stream until `event: end`. `watch(seq)` picks lines whose arrival
 * and text are kept (all of them for latency, a sample for a flood).
 */
export async function readEvents(
  url: string,
  watch: (seq: number) => boolean,
  onOpen: () => void,
): Promise<TSseResult> {
  const response = await fetch(url, { headers: { accept: "text/event-stream" } });
  if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}`);
  onOpen();
  const result: TSseResult = {
    received: 0,
    outOfOrder: 0,
    lastSeq: 0,
    lastAtMs: 0,
    watched: [],
    finalStatus: undefined,
  };
  const decoder = new TextDecoder();
  let buffer = "";
  let ended = false;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    const atMs = wallMs();
    // A large event arrives over many chunks: look for its end only in what is new.
    const searched = Math.max(0, buffer.length - 1);
    buffer += decoder.decode(chunk, { stream: true });
    let from = 0;
    for (;;) {
      const end = buffer.indexOf("\n\n", from === 0 ? searched : from);
      if (end < 0) break;
      const event = buffer.slice(from, end);
      from = end + 2;
      if (event.startsWith("id: ") && event.includes("\nevent: lines\n")) {
        // A run of lines, `[{"seq":..},{"seq":..}]`: every line is found by its `{"seq":` start
        // (which cannot occur unescaped inside a text) and its number read; the lines `watch`
        // picks are parsed whole.
        const data = event.indexOf("\ndata: ") + 7;
        let at = event.indexOf(LINE_START, data);
        while (at >= 0) {
          const next = event.indexOf(LINE_START, at + LINE_START.length);
          const seq = Number(event.slice(at + LINE_START.length, event.indexOf(",", at)));
          result.received += 1;
          if (seq !== result.lastSeq + 1) result.outOfOrder += 1;
          if (seq > result.lastSeq) result.lastSeq = seq;
          if (watch(seq)) {
            const line = JSON.parse(event.slice(at, next < 0 ? event.length - 1 : next - 1)) as {
              text: string;
            };
            result.watched.push({ seq, atMs, text: line.text });
          }
          at = next;
        }
        result.lastAtMs = atMs;
      } else if (event.includes("event: status")) {
        result.finalStatus = (
          JSON.parse(event.slice(event.indexOf("\ndata: ") + 7)) as { status: string }
        ).status;
      } else if (event.includes("event: end") || event.includes("event: failure")) {
        if (event.includes("event: failure")) throw new Error(`the event stream failed: ${event}`);
        ended = true;
      }
    }
    buffer = buffer.slice(from);
    if (ended) break;
  }
  if (!ended) throw new Error("the event stream closed before its end event");
  return result;
}
